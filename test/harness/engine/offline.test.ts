/** The engine's build modules (harness/engine/gomod.ts) and the e2e stack (harness/engine/e2eStack.ts), without Go. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ADDED_APP,
  APPS_KEY,
  EXAMPLE_APPS,
  e2eStack,
  pulumiEnv,
  secretArgs,
} from "../../../harness/engine/e2eStack.ts";
import {
  cliModule,
  languageHostModule,
  mainPackageFiles,
  providerModule,
} from "../../../harness/engine/gomod.ts";
import { PINNED_CHARTS, STAND_IN_CHARTS_ENV } from "../../../harness/engine/standInCharts.ts";
import {
  KUBERNETES_PLUGIN_VERSION,
  LANGUAGE_HOST_PULUMI_VERSION,
  PULUMI_SDK_VERSION,
  PULUMI_VERSION,
} from "../../../harness/engine/versions.ts";
import { placeholderProblems } from "../../../lib/config/placeholders.ts";
import { rawConfigFromEntries, readStackConfig, readStackFileConfig } from "../../../lib/config/stackFile.ts";
import { LAYERS, type Layer, projectName } from "../../../lib/core/layerNames.ts";
import { appFiles } from "../../../lib/layers/apps/plan.ts";
import { APPS_DIR, configSchemas, parseConfig } from "../../../programs/layers.ts";
import { ROOT } from "../../support/render.ts";

const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

describe("build modules", () => {
  test("the CLI requires pkg/v3 and sdk/v3 at one version and repeats pkg/v3's clipboard replace", () => {
    const text = cliModule();
    expect(text).toContain(`\tgithub.com/pulumi/pulumi/pkg/v3 v${PULUMI_VERSION}\n`);
    expect(text).toContain(`\tgithub.com/pulumi/pulumi/sdk/v3 v${PULUMI_VERSION}\n`);
    expect(text).toContain("github.com/atotto/clipboard => github.com/tgummerer/clipboard");
    expect(text).toContain("tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi\n");
    expect(text).not.toContain("=> ../");
  });

  test("the language hosts build against their own line's modules", () => {
    expect(languageHostModule()).toContain(
      `github.com/pulumi/pulumi/sdk/v3 v${LANGUAGE_HOST_PULUMI_VERSION}`,
    );
  });

  test("the provider builds from a local copy; its ../sdk replace becomes a published sdk/v4", () => {
    const text = providerModule();
    expect(text).toContain("github.com/pulumi/pulumi-kubernetes/provider/v4 => ./provider");
    expect(text).toMatch(/sdk\/v4 => github.com\/pulumi\/pulumi-kubernetes\/sdk\/v4 v4\.\d+\.\d+/);
  });

  test("only the main package's own files are copied, no tests", () => {
    expect(mainPackageFiles("main.go\nmain_test.go\ntestdata\nproxy_unix.go\ngo.mod\n")).toEqual([
      "main.go",
      "proxy_unix.go",
    ]);
  });

  test("versions follow package.json: the SDK pin is recorded, the plugin is what @pulumi/kubernetes asks for", () => {
    expect(packageJson.dependencies["@pulumi/pulumi"]).toBe(PULUMI_SDK_VERSION);
    expect(packageJson.dependencies["@pulumi/kubernetes"]).toBe(KUBERNETES_PLUGIN_VERSION);
    const [, minor] = PULUMI_VERSION.split(".").map(Number);
    expect(minor).toBeGreaterThanOrEqual(227);
  });
});

const examples = Object.fromEntries(
  LAYERS.map((layer) => [layer, readStackFileConfig(ROOT, layer, "example")._unsafeUnwrap()]),
) as Record<Layer, Record<string, unknown>>;

describe("the e2e stack", () => {
  const stack = e2eStack(configSchemas, examples);

  test("every secret of the example is set with --secret, app secrets by path; none stays plain", () => {
    expect(stack.secrets.map((s) => `${s.layer}:${s.path}`).sort()).toEqual([
      "apps:app_secrets.miniflux.admin_password",
      "auth:pocket_id_encryption_key",
      "network:pihole_admin_password",
    ]);
    const plainText = JSON.stringify(stack.plain);
    for (const secret of stack.secrets) expect(plainText).not.toContain(secret.value);
  });

  test("the network layer runs without Cloudflare, and its plain config plus secrets is valid", () => {
    const prefix = `${projectName("network")}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(stack.plain.network))
      raw[key.slice(prefix.length)] = String(value);
    for (const secret of stack.secrets.filter((s) => s.layer === "network")) raw[secret.path] = secret.value;
    const config = parseConfig("network", raw)._unsafeUnwrap();
    expect(config.publicDnsProvider).toBe("none");
  });

  test("it holds no placeholder of the example: deploy refuses them on every stack but `example`, e2e too", () => {
    const secretsOf = (layer: Layer) => stack.secrets.filter((s) => s.layer === layer);
    const raw = Object.fromEntries(
      LAYERS.map((layer) => {
        const own = rawConfigFromEntries(configSchemas, layer, Object.entries(stack.plain[layer]), "e2e");
        const values: Record<string, string> = { ...(own._unsafeUnwrap() as Record<string, string>) };
        for (const secret of secretsOf(layer).filter((s) => !s.isPath)) values[secret.path] = secret.value;
        const map: Record<string, Record<string, string>> = {};
        for (const secret of secretsOf(layer).filter((s) => s.isPath)) {
          const [key = "", app = "", name = ""] = secret.path.split(".");
          map[app] = { ...map[app], [name]: secret.value };
          values[key] = JSON.stringify(map);
        }
        expect(parseConfig(layer, values).isOk()).toBe(true);
        return [layer, values];
      }),
    );
    const example = readStackConfig(configSchemas, ROOT, "example")._unsafeUnwrap();
    // The check sees the example's placeholders, and none of them in the e2e stack.
    expect(placeholderProblems(configSchemas, example, example, "home").length).toBeGreaterThan(5);
    expect(placeholderProblems(configSchemas, example, raw, "e2e")).toEqual([]);
    // Fresh secrets: not the example's, different per run.
    expect(e2eStack(configSchemas, examples).secrets[0]?.value).not.toBe(stack.secrets[0]?.value);
  });

  test("a secret's value never reaches the command line", () => {
    for (const secret of stack.secrets) {
      const args = secretArgs(secret, "programs/x");
      expect(args).not.toContain(secret.value);
      expect(args.slice(0, 3)).toEqual(["config", "set", "--secret"]);
    }
    const app = stack.secrets.find((s) => s.isPath);
    expect(app && secretArgs(app, "programs/apps")).toContain("--path");
  });

  test("every pinned chart gets a stand-in; the added app is a valid app file name", () => {
    expect(PINNED_CHARTS.map((chart) => chart.chart).sort()).toEqual([
      "cert-manager",
      "cloudnative-pg",
      "csi-driver-nfs",
      "external-dns",
      "longhorn",
      "metallb",
      "snapshot-controller",
      "traefik",
    ]);
    expect(ADDED_APP.file).toEndWith(`${ADDED_APP.name}.ts`);
  });

  test("it runs the example's apps, named in apps: every app file, none other", () => {
    expect(stack.plain.apps[APPS_KEY]).toEqual([...EXAMPLE_APPS]);
    expect(appFiles(APPS_DIR).modules).toEqual(EXAMPLE_APPS.map((name) => `${name}.ts`));
  });
});

describe("the Pulumi environment", () => {
  const dirs = {
    home: "/t/home",
    state: "/t/state",
    charts: "/t/charts",
    kubeconfig: "/t/kubeconfig",
    engineBin: "/cache/pulumi",
    passphrase: "p",
  };

  test("the user's Pulumi settings and kubeconfig never reach the run", () => {
    const env = pulumiEnv(
      {
        PATH: "/usr/bin",
        HOME: "/home/user",
        PULUMI_ACCESS_TOKEN: "x",
        PULUMI_HOME: "/home/user/.pulumi",
        KUBECONFIG: "/k",
      },
      dirs,
    );
    expect(env.PULUMI_ACCESS_TOKEN).toBeUndefined();
    expect(env.PULUMI_HOME).toBe("/t/home");
    expect(env.KUBECONFIG).toBe("/t/kubeconfig");
    expect(env.PULUMI_BACKEND_URL).toBe("file:///t/state");
    expect(env.PATH).toBe("/cache/pulumi:/usr/bin");
    expect(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
    expect(env[STAND_IN_CHARTS_ENV]).toBe("/t/charts");
  });
});
