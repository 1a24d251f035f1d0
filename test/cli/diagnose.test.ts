/**
 * After a failed deploy, the wrapper says which workloads the cluster shows not Ready and why
 * (cli/diagnose.ts over lib/k8s/health.ts), from the lists the API server returns.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok } from "neverthrow";
import { explainFailedDeploy, unreadyInCluster } from "../../cli/diagnose.ts";
import type { KubeGet } from "../../cli/kubeApi.ts";

const owner = (uid: string) => ({ ownerReferences: [{ uid }] });

/** A cluster where the demo Deployment's pod cannot be scheduled and a finished Job's pod is gone. */
const LISTS: Record<string, unknown> = {
  "/apis/apps/v1/deployments": {
    items: [
      { metadata: { uid: "d1", name: "demo", namespace: "demo" }, spec: { replicas: 1 } },
      { metadata: { uid: "d2", name: "fine", namespace: "fine" }, spec: { replicas: 1 } },
    ],
  },
  "/apis/apps/v1/statefulsets": { items: [] },
  "/apis/batch/v1/jobs": {
    items: [
      {
        metadata: { uid: "j1", name: "oidc-clients-apps-1", namespace: "pocket-id" },
        spec: { parallelism: 1 },
        status: { conditions: [{ type: "Complete", status: "True" }] },
      },
      {
        metadata: { uid: "j2", name: "oidc-clients-auth-2", namespace: "pocket-id" },
        spec: { parallelism: 1 },
        status: { conditions: [{ type: "Failed", status: "True" }] },
      },
    ],
  },
  "/apis/apps/v1/replicasets": {
    items: [
      { metadata: { uid: "r1", name: "demo-1", namespace: "demo", ...owner("d1") } },
      { metadata: { uid: "r2", name: "fine-1", namespace: "fine", ...owner("d2") } },
    ],
  },
  "/api/v1/pods": {
    items: [
      {
        metadata: { uid: "p1", name: "demo-1-a", namespace: "demo", ...owner("r1") },
        status: {
          phase: "Pending",
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message: "0/3 nodes are available: 3 Insufficient cpu.",
            },
          ],
        },
      },
      {
        metadata: { uid: "p3", name: "oidc-clients-auth-2-x", namespace: "pocket-id", ...owner("j2") },
        spec: { nodeName: "cp-1" },
        status: {
          phase: "Failed",
          containerStatuses: [
            { state: { terminated: { reason: "Error", message: "FAILED: Pocket ID answered 401" } } },
          ],
        },
      },
      {
        metadata: { uid: "p2", name: "fine-1-a", namespace: "fine", ...owner("r2") },
        spec: { nodeName: "cp-1" },
        status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
      },
    ],
  },
  "/api/v1/events": { items: [] },
};

const cluster: KubeGet = async (path) => (path in LISTS ? ok(LISTS[path]) : err(`GET ${path}: 404`));

describe("what the cluster shows not Ready after a failed deploy", () => {
  test("each workload whose pods are not all Ready, with its pods' reason (a failed Job's too); completed Jobs and Ready workloads are not named", async () => {
    expect((await unreadyInCluster(cluster))._unsafeUnwrap()).toEqual([
      "Deployment demo/demo: 0/1 pods Ready: 0/3 nodes are available: 3 Insufficient cpu.",
      "Job pocket-id/oidc-clients-auth-2: 0/1 pods Ready: Error: FAILED: Pocket ID answered 401",
    ]);
  });

  test("a list the server refuses is an error, not a guess", async () => {
    const refusing: KubeGet = async (path) =>
      path === "/api/v1/events" ? err("GET /api/v1/events: 403") : cluster(path);
    expect((await unreadyInCluster(refusing))._unsafeUnwrapErr()).toContain("403");
  });

  test("logged with the user's kubeconfig; without one nothing is printed", async () => {
    const home = mkdtempSync(join(tmpdir(), "homelab-diagnose-"));
    const logged: string[] = [];
    await explainFailedDeploy(
      { HOME: home },
      (line) => logged.push(line),
      async () => ok(cluster),
    );
    expect(logged).toEqual([]);
    const kubeconfig = join(home, "kubeconfig");
    writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\n");
    await explainFailedDeploy(
      { HOME: home, KUBECONFIG: kubeconfig },
      (line) => logged.push(line),
      async () => ok(cluster),
    );
    expect(logged[0]).toStartWith("Not Ready in the cluster now");
    expect(logged[1]).toBe(
      "  Deployment demo/demo: 0/1 pods Ready: 0/3 nodes are available: 3 Insufficient cpu.",
    );
    const unreadable: string[] = [];
    await explainFailedDeploy(
      { KUBECONFIG: kubeconfig },
      (line) => unreadable.push(line),
      async () => err("no current context"),
    );
    expect(unreadable.join("\n")).toContain("could not be read");
  });
});
