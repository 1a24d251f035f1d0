import { beforeEach, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommand } from "../../cli/args.ts";
import { type Environment, type Operation, PULUMI, pulumiCommand } from "../../cli/pulumi.ts";
import { validateStack } from "../../cli/validate.ts";
import { inlineOperation } from "../../harness/e2eInline.ts";
import { LAYERS } from "../../lib/core/layerNames.ts";
import { versionAtLeast } from "../../lib/core/version.ts";
import { ownedExampleText } from "../support/config.ts";
import { ROOT } from "../support/render.ts";

/** A repository copy with only config/, so tests can write broken stacks without touching the real one. */
const scratchRoot = (): string => {
  const root = mkdtempSync(join(tmpdir(), "homelab-cli-"));
  cpSync(join(ROOT, "config"), join(root, "config"), { recursive: true });
  return root;
};

interface Recorded extends Environment {
  calls: { argv: string[]; env: Record<string, string | undefined> }[];
  logged: string[];
}

const fakeEnvironment = (root: string, options: { version?: string; failOn?: string } = {}): Recorded => {
  const calls: Recorded["calls"] = [];
  const logged: string[] = [];
  return {
    root,
    env: { HOME: root, PULUMI_CONFIG_PASSPHRASE: "test passphrase" },
    calls,
    logged,
    run: async (argv, env) => {
      calls.push({ argv, env });
      return options.failOn && argv.includes(join(root, "programs", options.failOn)) && argv[1] !== "stack"
        ? 7
        : 0;
    },
    capture: async () => (options.version === undefined ? "v3.230.0\n" : options.version || undefined),
    log: (line) => logged.push(line),
  };
};

let root: string;
beforeEach(() => {
  root = scratchRoot();
  for (const layer of LAYERS) {
    const example = readFileSync(join(root, "config", layer, "Pulumi.example.yaml"), "utf8");
    writeFileSync(join(root, "config", layer, "Pulumi.home.yaml"), ownedExampleText(example));
  }
});

describe("deploy and preview", () => {
  test("validate first, then select the stack and run pulumi in the layer's project", async () => {
    const environment = fakeEnvironment(root);
    expect(await pulumiCommand(["up", "network", "--stack", "home"], environment)).toBe(0);
    const cwd = join(root, "programs", "network");
    expect(environment.calls.map((call) => call.argv)).toEqual([
      ["pulumi", "stack", "select", "home", "--create", "--cwd", cwd],
      ["pulumi", "up", "--stack", "home", "--cwd", cwd],
    ]);
  });

  test("an invalid config stops before Pulumi is called, listing every error", async () => {
    writeFileSync(
      join(root, "config/network/Pulumi.home.yaml"),
      "config:\n  homelab-network:domain: not a domain\n  homelab-network:dns_server_ip: 1.2.3\n",
    );
    const environment = fakeEnvironment(root);
    expect(await pulumiCommand(["preview", "network", "--stack", "home"], environment)).toBe(1);
    expect(environment.calls).toEqual([]);
    const text = environment.logged.join("\n");
    expect(text).toContain("Pulumi was not called");
    expect(text).toContain("domain");
    expect(text).toContain("dns_server_ip");
    expect(text).toContain("cloudflare_api_token");
  });

  test("without a configured backend, a git-ignored file backend in the repository is used and announced", async () => {
    const environment = fakeEnvironment(root);
    await pulumiCommand(["preview", "storage", "--stack", "home"], environment);
    expect(environment.calls[0]?.env.PULUMI_BACKEND_URL).toBe(`file://${join(root, ".pulumi-state")}`);
    expect(environment.logged.join("\n")).toContain("local file backend in .pulumi-state/");
  });

  test("a configured backend is left alone", async () => {
    const environment = { ...fakeEnvironment(root), env: { HOME: root, PULUMI_BACKEND_URL: "s3://bucket" } };
    await pulumiCommand(["preview", "storage", "--stack", "home"], environment);
    expect(environment.calls[0]?.env.PULUMI_BACKEND_URL).toBe("s3://bucket");
  });

  test("deploy all runs the layers in order and stops at the first failure", async () => {
    const environment = fakeEnvironment(root, { failOn: "storage" });
    expect(await pulumiCommand(["up", "all", "--stack", "home"], environment)).toBe(7);
    const ups = environment.calls.filter((call) => call.argv[1] === "up").map((call) => call.argv.at(-1));
    expect(ups).toEqual([join(root, "programs/network"), join(root, "programs/storage")]);
    expect(environment.logged.join("\n")).toContain("Stopped at the storage layer");
  });

  test("a failed deploy says what the cluster shows not Ready, once, before stopping; a failed preview does not", async () => {
    const explained: string[] = [];
    const environment = fakeEnvironment(root, { failOn: "storage" });
    const explainFailure = async () => {
      explained.push(`after ${environment.calls.length} calls`);
    };
    expect(await pulumiCommand(["up", "all", "--stack", "home"], { ...environment, explainFailure })).toBe(7);
    expect(explained).toHaveLength(1);
    expect(
      await pulumiCommand(["preview", "all", "--stack", "home"], { ...environment, explainFailure }),
    ).toBe(7);
    expect(explained).toHaveLength(1);
  });

  test("stack:init creates the stack in every project before any config is valid", async () => {
    writeFileSync(join(root, "config/network/Pulumi.home.yaml"), "config: {}\n");
    const environment = fakeEnvironment(root);
    expect(await pulumiCommand(["init", "all", "--stack", "home"], environment)).toBe(0);
    expect(environment.calls.map((call) => call.argv.slice(1, 5))).toEqual(
      LAYERS.map(() => ["stack", "select", "home", "--create"]),
    );
    expect(environment.logged.join("\n")).toContain("bun run validate --stack home");
  });

  test("arguments after -- go to pulumi", async () => {
    const environment = fakeEnvironment(root);
    await pulumiCommand(["preview", "apps", "--stack", "home", "--", "--diff"], environment);
    expect(environment.calls[1]?.argv.at(-1)).toBe("--diff");
  });

  test("a replaced operation step (e2e's inline programs) gets each layer's operation, in order, after the same checks", async () => {
    const environment = fakeEnvironment(root, { failOn: "auth" });
    const operations: Operation[] = [];
    const operate = async (operation: Operation) => {
      operations.push(operation);
      return operation.layer === "auth" ? 7 : 0;
    };
    expect(
      await pulumiCommand(["up", "all", "--stack", "home", "--", "--yes"], { ...environment, operate }),
    ).toBe(7);
    expect(operations.map(({ command, layer, stack, args }) => [command, layer, stack, args])).toEqual([
      ["up", "network", "home", ["--yes"]],
      ["up", "storage", "home", ["--yes"]],
      ["up", "auth", "home", ["--yes"]],
    ]);
    expect(operations[0]?.cwd).toBe(join(root, "programs", "network"));
    // The stack is still selected (created) through the CLI; nothing else is.
    expect(environment.calls.map((call) => call.argv[1])).toEqual(["stack", "stack", "stack"]);
  });

  test("up reads each layer's state first (preview does not); a pending create it cannot resolve stops before up", async () => {
    const captured: string[][] = [];
    const pending = {
      version: 3,
      deployment: {
        pending_operations: [
          {
            type: "creating",
            resource: {
              urn: "urn:pulumi:home::homelab-network::cloudflare:index/dnsRecord:DnsRecord::www",
              type: "cloudflare:index/dnsRecord:DnsRecord",
              custom: true,
            },
          },
        ],
      },
    };
    const environment = {
      ...fakeEnvironment(root),
      capture: async (argv: string[]) => {
        captured.push(argv);
        return argv[1] === "version" ? "v3.230.0\n" : JSON.stringify(pending);
      },
    };
    expect(await pulumiCommand(["preview", "all", "--stack", "home"], environment)).toBe(0);
    expect(captured.map((argv) => argv[1])).toEqual(["version"]);
    expect(await pulumiCommand(["up", "all", "--stack", "home"], environment)).toBe(1);
    expect(captured.slice(1).map((argv) => argv.slice(1, 3))).toEqual([["version"], ["stack", "export"]]);
    // preview: select and preview per layer; up: the network layer selected, then stopped before its up.
    expect(environment.calls.map((call) => call.argv[1]).slice(8)).toEqual(["stack"]);
    expect(environment.logged.join("\n")).toContain("Stopped at the network layer");
  });

  test("inline runs refuse Pulumi flags they would ignore", async () => {
    const logged: string[] = [];
    const operate = inlineOperation((line) => logged.push(line));
    const operation: Operation = {
      command: "up",
      layer: "apps",
      stack: "home",
      cwd: root,
      args: ["--yes", "--refresh"],
    };
    expect(await operate(operation, {})).toBe(2);
    expect(logged.join("\n")).toContain("got --refresh");
  });

  test("a missing or old Pulumi CLI is reported, not run", async () => {
    const missing = fakeEnvironment(root, { version: "" });
    expect(await pulumiCommand(["up", "apps", "--stack", "home"], missing)).toBe(1);
    expect(missing.logged.join("\n")).toContain("The Pulumi CLI was not found");
    const old = fakeEnvironment(root, { version: "v3.200.1" });
    expect(await pulumiCommand(["up", "apps", "--stack", "home"], old)).toBe(1);
    expect(old.calls).toEqual([]);
  });
});

describe("destroy", () => {
  test("refuses a layer with data without --confirm-data-loss and says what would be lost", async () => {
    const environment = fakeEnvironment(root);
    expect(await pulumiCommand(["destroy", "storage", "--stack", "home"], environment)).toBe(1);
    expect(environment.calls).toEqual([]);
    expect(environment.logged.join("\n")).toContain("every Longhorn volume");
  });

  test("runs with the confirmation flag", async () => {
    const environment = fakeEnvironment(root);
    expect(
      await pulumiCommand(["destroy", "apps", "--stack", "home", "--confirm-data-loss"], environment),
    ).toBe(0);
    expect(environment.calls.at(-1)?.argv.slice(0, 2)).toEqual(["pulumi", "destroy"]);
  });

  test("never destroys all layers at once", async () => {
    expect(await pulumiCommand(["destroy", "all", "--confirm-data-loss"], fakeEnvironment(root))).toBe(2);
  });
});

describe("validate", () => {
  test("ten independent mistakes give ten numbered errors", async () => {
    const broken: Record<string, string> = {
      network: [
        "homelab-network:domain: https://example.com", // 1 URL instead of a domain
        "homelab-network:ip_address_pool: 192.168.4.100-192.168.4.80", // 2 reversed range
        "homelab-network:public_ingress_ip: 192.168.4.70",
        "homelab-network:private_ingress_ip: 192.168.4.700", // 3 bad IP
        "homelab-network:dns_server_ip: 192.168.4.53",
        "homelab-network:real_external_ip: 10.0.0.1", // 4 private external IP
        "homelab-network:cert_manager_email: admin", // 5 not an email
        "homelab-network:cloudflare_api_token: t",
        "homelab-network:pihole_admin_password: short", // 6 too short
      ].join("\n  "),
      storage: [
        "homelab-storage:nfs_hostname: nas.lan",
        "homelab-storage:nfs_share_path: volume1/kubernetes", // 7 relative path
        "homelab-storage:longhorn_nfs_backup_path: /volume1/backups",
        "homelab-storage:timezone: Mars/Olympus_Mons", // 8 unknown zone
      ].join("\n  "),
      auth: [
        "homelab-auth:pocket_id_encryption_key: too-short", // 9 under 16 characters
      ].join("\n  "),
      apps: ["homelab-apps:network_stak: home"].join("\n  "), // 10 typo
    };
    for (const [layer, body] of Object.entries(broken)) {
      writeFileSync(join(root, "config", layer, "Pulumi.broken.yaml"), `config:\n  ${body}\n`);
    }
    const { ok, lines } = await validateStack(root, "broken");
    expect(ok).toBe(false);
    expect(lines[0]).toBe("Stack broken: 10 config error(s):");
    expect(lines.slice(1).filter((line) => /^ +\d+\. /.test(line))).toHaveLength(10);
    expect(lines.join("\n")).toContain("did you mean network_stack?");
  });

  test("a valid stack passes and plaintext secrets are flagged", async () => {
    const { ok, lines } = await validateStack(root, "home");
    expect(ok).toBe(true);
    expect(lines.some((line) => line.includes("cloudflare_api_token is stored in plain text"))).toBe(true);
    // A map is encrypted value by value, so the hint names its path.
    expect(lines.find((line) => line.includes("app_secrets is stored in plain text"))).toContain(
      "pulumi config set --secret --path 'app_secrets.<app>.<name>' --stack home (with no value on the command line Pulumi prompts for it, or reads it from stdin",
    );
    // The fix never asks for the secret on the command line (shell history).
    expect(lines.join("\n")).not.toContain("<value>");
  });
});

describe("arguments", () => {
  test("--stack, flags and positionals", () => {
    const parsed = parseCommand(PULUMI, [
      "up",
      "apps",
      "--stack=prod",
      "--confirm-data-loss",
    ])._unsafeUnwrap();
    expect(parsed).toEqual({
      help: false,
      positionals: ["up", "apps"],
      values: { stack: "prod", "confirm-data-loss": true },
    });
  });

  test("version comparison", () => {
    expect(versionAtLeast("v3.227.0", [3, 227, 0])).toBe(true);
    expect(versionAtLeast("v3.226.9", [3, 227, 0])).toBe(false);
    expect(versionAtLeast("v4.0.0", [3, 227, 0])).toBe(true);
    expect(versionAtLeast("garbage", [3, 227, 0])).toBe(false);
    expect(versionAtLeast("v3.227", [3, 227, 0])).toBe(false);
  });
});

describe("validate runs the preflight too", () => {
  test("the example stack passes it", async () => {
    const { ok, lines } = await validateStack(ROOT, "example");
    expect(ok).toBe(true);
    expect(lines[0]).toContain("the preflight found nothing a first deploy would fail on");
  });
});
