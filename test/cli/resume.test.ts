/**
 * The resume before `up`, with a Pulumi that records calls and answers `stack export` with the
 * state a real interrupted deploy left (test/lib/pulumi/interruptedState.json).
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type LayerStack, type ResumeEnvironment, resumeInterrupted } from "../../cli/resume.ts";
import type { ExportedState } from "../../lib/pulumi/pendingCreates.ts";

const INTERRUPTED = readFileSync(join(import.meta.dirname, "../lib/pulumi/interruptedState.json"), "utf8");
const TARGET: LayerStack = { layer: "apps", stack: "home", cwd: "/repo/programs/apps" };
const DEPLOYMENT = "urn:pulumi:dev::exp::kubernetes:apps/v1:Deployment::exp-slow";

/** Pulumi faked: `stack export` answers from `exports` in turn, `run` records each call (and what an imported file held). */
const fakePulumi = (exports: (string | undefined)[], codes: Record<string, number> = {}) => {
  const calls: string[][] = [];
  const imported: ExportedState[] = [];
  const logged: string[] = [];
  const environment: ResumeEnvironment = {
    run: async (argv) => {
      calls.push(argv);
      const file = argv[argv.indexOf("--file") + 1];
      if (argv[2] === "import" && file)
        imported.push(JSON.parse(readFileSync(file, "utf8")) as ExportedState);
      return codes[argv[1] as string] ?? 0;
    },
    capture: async (argv, env) => {
      calls.push(argv);
      expect(env?.PULUMI_BACKEND_URL).toBe("file:///state");
      return exports.shift();
    },
    log: (line) => logged.push(line),
  };
  return { environment, calls, imported, logged, text: () => logged.join("\n") };
};
const ENV = { PULUMI_BACKEND_URL: "file:///state" };

test("a pending Deployment found in the cluster is adopted: import without pending operations, refresh of that URN, said by name", async () => {
  const adoptedState = (JSON.parse(INTERRUPTED) as ExportedState).deployment;
  const after = JSON.stringify({
    version: 3,
    deployment: {
      ...adoptedState,
      pending_operations: [],
      resources: [...(adoptedState.resources ?? []), { urn: DEPLOYMENT }],
    },
  });
  const pulumi = fakePulumi([INTERRUPTED, after]);
  expect(await resumeInterrupted(pulumi.environment, TARGET, ENV)).toBe(true);
  const stackArgs = ["--stack", "home", "--cwd", "/repo/programs/apps"];
  expect(pulumi.calls.map((argv) => argv.slice(0, 3))).toEqual([
    ["pulumi", "stack", "export"],
    ["pulumi", "stack", "import"],
    ["pulumi", "refresh", "--yes"],
    ["pulumi", "stack", "export"],
  ]);
  expect(pulumi.calls[2]).toEqual([
    "pulumi",
    "refresh",
    "--yes",
    "--skip-preview",
    ...stackArgs,
    "--target",
    DEPLOYMENT,
  ]);
  expect(pulumi.imported[0]?.deployment.pending_operations).toBeUndefined();
  expect(pulumi.imported[0]?.deployment.resources?.at(-1)).toMatchObject({ urn: DEPLOYMENT, id: "exp/slow" });
  // The imported file is the operator's alone, and gone afterwards.
  const file = pulumi.calls[1]?.at(-1) as string;
  expect(existsSync(file)).toBe(false);
  expect(pulumi.text()).toContain("interrupted while creating 1 object(s)");
  expect(pulumi.text()).toContain("Deployment exp/slow: adopted");
});

test("one the refresh dropped (not in the cluster) is said to be created by up", async () => {
  const pulumi = fakePulumi([INTERRUPTED, JSON.stringify({ version: 3, deployment: { resources: [] } })]);
  expect(await resumeInterrupted(pulumi.environment, TARGET, ENV)).toBe(true);
  expect(pulumi.text()).toContain(
    "Deployment exp/slow: not in the cluster, dropped from the state; up creates it",
  );
});

test("nothing pending, or no state to read: nothing is run and up goes on", async () => {
  for (const answer of [JSON.stringify({ version: 3, deployment: {} }), undefined, "v3.230.0\n"]) {
    const pulumi = fakePulumi([answer]);
    expect(await resumeInterrupted(pulumi.environment, TARGET, ENV)).toBe(true);
    expect(pulumi.calls).toEqual([
      ["pulumi", "stack", "export", "--stack", "home", "--cwd", "/repo/programs/apps"],
    ]);
    expect(pulumi.logged).toEqual([]);
  }
});

test("an object the wrapper cannot look up stops the deploy before anything changes, with the commands to run", async () => {
  const state = JSON.parse(INTERRUPTED) as ExportedState;
  const op = state.deployment.pending_operations?.[0];
  if (op)
    op.resource = {
      urn: "urn:pulumi:home::homelab-network::cloudflare:index/dnsRecord:DnsRecord::www",
      type: "cloudflare:index/dnsRecord:DnsRecord",
      custom: true,
    };
  const pulumi = fakePulumi([JSON.stringify(state)]);
  expect(await resumeInterrupted(pulumi.environment, TARGET, ENV)).toBe(false);
  expect(pulumi.calls).toHaveLength(1);
  expect(pulumi.text()).toContain("cloudflare:index/dnsRecord:DnsRecord::www: NOT resolved");
  expect(pulumi.text()).toContain(
    "pulumi refresh --clear-pending-creates --yes --stack home --cwd programs/apps",
  );
  expect(pulumi.text()).toContain("bun run deploy:apps --stack home");
});

test("a failed import or refresh stops the deploy, saying what to run", async () => {
  const importing = fakePulumi([INTERRUPTED], { stack: 255 });
  expect(await resumeInterrupted(importing.environment, TARGET, ENV)).toBe(false);
  expect(importing.text()).toContain("could not be imported");
  expect(importing.text()).toContain("pulumi cancel --yes --stack home --cwd programs/apps");
  const refreshing = fakePulumi([INTERRUPTED], { refresh: 255 });
  expect(await resumeInterrupted(refreshing.environment, TARGET, ENV)).toBe(false);
  expect(refreshing.text()).toContain(
    `pulumi refresh --yes --stack home --cwd programs/apps --target ${DEPLOYMENT}`,
  );
});

test("with Kubernetes objects among them, the commands never clear the pending creates (those would then fail)", async () => {
  const state = JSON.parse(INTERRUPTED) as ExportedState;
  const cloudflare = {
    urn: "urn:pulumi:dev::exp::cloudflare:index/dnsRecord:DnsRecord::www",
    type: "cloudflare:index/dnsRecord:DnsRecord",
    custom: true,
  };
  state.deployment.pending_operations?.push({ type: "creating", resource: cloudflare });
  const pulumi = fakePulumi([JSON.stringify(state)]);
  expect(await resumeInterrupted(pulumi.environment, TARGET, ENV)).toBe(false);
  expect(pulumi.calls).toHaveLength(1);
  expect(pulumi.text()).toContain("Deployment exp/slow: adopting it");
  expect(pulumi.text()).toContain("adopt those and drop");
  expect(pulumi.text()).not.toContain("--clear-pending-creates");
});
