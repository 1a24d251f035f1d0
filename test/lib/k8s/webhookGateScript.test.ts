/**
 * The gate's script, as text and as run: `sh` with a stand-in `curl` first on PATH that refuses
 * the first N posts the way the API server does (a Status body, curl's error, exit 22).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeObject } from "../../../lib/core/plan.ts";
import {
  API_SERVER,
  collectionPath,
  type GateScriptOptions,
  gateScript,
  SERVICE_ACCOUNT_DIR,
  shellQuote,
} from "../../../lib/k8s/webhookGateScript.ts";

const issuer: KubeObject = {
  apiVersion: "cert-manager.io/v1",
  kind: "Issuer",
  metadata: { name: "webhook-probe", namespace: "cert-manager" },
};
const clusterIssuer: KubeObject = {
  apiVersion: "cert-manager.io/v1",
  kind: "ClusterIssuer",
  metadata: { name: "webhook-probe" },
};
const spec = (over: Partial<GateScriptOptions> = {}): GateScriptOptions => ({
  gate: "cert-manager-webhook-gate",
  groups: ["cert-manager.io"],
  probes: [issuer, clusterIssuer].map((object, index) => ({
    path: collectionPath(object),
    file: `probe-${index}.json`,
  })),
  interval: 5,
  window: 600,
  ...over,
});

describe("the gate script's text", () => {
  test("a namespaced probe posts to its namespace's collection, a cluster-scoped one to the group's", () => {
    expect(collectionPath(issuer)).toBe("/apis/cert-manager.io/v1/namespaces/cert-manager/issuers");
    expect(collectionPath(clusterIssuer)).toBe("/apis/cert-manager.io/v1/clusterissuers");
    expect(
      collectionPath({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "y" } }),
    ).toBe("/api/v1/namespaces/y/configmaps");
    expect(gateScript(spec())).toContain(
      "  if probe '/apis/cert-manager.io/v1/namespaces/cert-manager/issuers' 'probe-0.json'" +
        " && probe '/apis/cert-manager.io/v1/clusterissuers' 'probe-1.json'; then\n",
    );
    expect(gateScript(spec())).toContain(`"${API_SERVER}$1?dryRun=All"`);
  });

  test("a quoted word reaches sh as it was, whatever it holds", () => {
    const word = `it's $(touch /x) \`y\` "z" \\ $HOME`;
    const run = Bun.spawnSync(["sh", "-c", `printf %s ${shellQuote(word)}`]);
    expect(run.stdout.toString()).toBe(word);
  });

  test("no probes, or a window that is not whole seconds, is refused", () => {
    expect(() => gateScript(spec({ probes: [] }))).toThrow("has no probes");
    expect(() => gateScript(spec({ window: 1.5 }))).toThrow("whole number");
  });
});

const work = mkdtempSync(join(tmpdir(), "homelab-gate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FAKE_CURL = `#!/bin/sh
n=$(($(cat "$STATE/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$STATE/count"
printf '%s\\n' "$@" >"$STATE/args-$n"
cat >"$STATE/stdin-$n"
if [ "$n" -le "$REFUSALS" ]; then
  echo '{"kind":"Status","message":"failed calling webhook: connection refused"}'
  echo 'curl: (22) The requested URL returned error: 500' >&2
  exit 22
fi
echo '{"kind":"Issuer"}'
`;

/** Runs the script with the stand-in curl refusing the first `refusals` posts. */
const runScript = (name: string, refusals: number, over: Partial<GateScriptOptions>) => {
  const dir = join(work, name);
  for (const sub of ["bin", "sa", "state"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "bin/curl"), FAKE_CURL);
  chmodSync(join(dir, "bin/curl"), 0o755);
  writeFileSync(join(dir, "sa/token"), "sa-token");
  const text = gateScript(spec(over)).replaceAll(SERVICE_ACCOUNT_DIR, join(dir, "sa"));
  const run = Bun.spawnSync(["sh", "-c", text], {
    env: {
      PATH: `${join(dir, "bin")}:${process.env.PATH}`,
      STATE: join(dir, "state"),
      REFUSALS: `${refusals}`,
    },
  });
  const state = (file: string) => readFileSync(join(dir, "state", file), "utf8");
  const posts = readdirSync(join(dir, "state")).filter((file) => file.startsWith("args-")).length;
  return { code: run.exitCode, lines: run.stdout.toString().trimEnd().split("\n"), state, posts };
};

describe("the gate script, run", () => {
  test("accepted at once: one round, exit 0; the token goes in on stdin, not in curl's arguments", () => {
    const run = runScript("accepted", 0, {});
    expect(run.code).toBe(0);
    expect(run.posts).toBe(2);
    expect(run.lines).toHaveLength(3);
    expect(run.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ accepted \/apis\/cert-manager.io\//);
    expect(run.lines[2]).toContain("cert-manager-webhook-gate: every probe accepted");
    const args = run.state("args-1").split("\n");
    expect(args).toContain(
      `${API_SERVER}/apis/cert-manager.io/v1/namespaces/cert-manager/issuers?dryRun=All`,
    );
    expect(args).toContain("@/probes/probe-0.json");
    expect(args).toContain("cert-manager-webhook-gate");
    expect(args.join(" ")).not.toContain("sa-token");
    expect(run.state("stdin-1")).toBe("Authorization: Bearer sa-token\n");
  });

  test("refused twice, then accepted: a round ends at its first refusal and the next round follows", () => {
    const run = runScript("late", 2, { interval: 0 });
    expect(run.code).toBe(0);
    expect(run.posts).toBe(4);
    expect(run.lines.map((line) => line.split(" ")[1])).toEqual([
      "refused",
      "refused",
      "accepted",
      "accepted",
      "cert-manager-webhook-gate:",
    ]);
  });

  test("refused for the whole window: exit 1 with one line naming the gate, groups, last refusal and fix", () => {
    const run = runScript("refused", 1000, { interval: 0, window: 0 });
    expect(run.code).toBe(1);
    expect(run.posts).toBe(1);
    expect(run.lines).toHaveLength(2);
    expect(run.lines[0]).toContain(
      'refused /apis/cert-manager.io/v1/namespaces/cert-manager/issuers: {"kind":"Status","message":"failed calling webhook: connection refused"} curl: (22)',
    );
    const last = run.lines[1] ?? "";
    expect(last).toContain("cert-manager-webhook-gate: the webhooks of cert-manager.io refused for 0s");
    expect(last).toContain("failed calling webhook: connection refused");
    expect(last).toContain("Fix: run the same deploy again: the gate is replaced and tries again.");
  });
});
