/** verify:cluster's parts that need no cluster and no Go: build module, render reading, report. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  admissionConfiguration,
  controllerManagerArgs,
  type RunFiles,
  talosNode,
} from "../../../harness/cluster/config.ts";
import { apiErrorMessage } from "../../../harness/cluster/errors.ts";
import {
  etcdModule,
  kubernetesLdflags,
  kubernetesModule,
  placeholderRequires,
} from "../../../harness/cluster/gomod.ts";
import {
  dependencyOrder,
  type Manifest,
  parseLayerFile,
  readRender,
  servedKinds,
} from "../../../harness/cluster/manifests.ts";
import { claimState, type Snapshot } from "../../../harness/cluster/observe.ts";
import { freePort } from "../../../harness/cluster/processes.ts";
import {
  formatReport,
  type LayerReport,
  layerProblems,
  workloadSettled,
} from "../../../harness/cluster/report.ts";
import {
  SELF_CHECK_NAMESPACE,
  selfCheckObjects,
  selfCheckVerdict,
  unmetExpectations,
} from "../../../harness/cluster/selfCheck.ts";
import { longhornStorageClass, simulatedClassOf, volumeForClaim } from "../../../harness/cluster/storage.ts";
import { binaryName } from "../../../harness/cluster/versions.ts";
import { logTail } from "../../../harness/logTail.ts";
import { unreadyWorkloads, workloadState } from "../../../lib/k8s/health.ts";

const SERVED_GO_MOD = `module k8s.io/kubernetes

go 1.25.0

godebug default=go1.25

require (
	github.com/spf13/cobra v1.10.0
	k8s.io/api v0.0.0
	k8s.io/apiserver v0.0.0
	k8s.io/utils v0.0.0-20251002143259-bc988d571ff4
)

require k8s.io/kms v0.0.0 // indirect

replace (
	k8s.io/api => ./staging/src/k8s.io/api
)
`;

describe("the Go build module", () => {
  test("the staging modules are the served go.mod's v0.0.0 requires, pseudo-versions excluded", () => {
    expect(placeholderRequires(SERVED_GO_MOD)).toEqual(["k8s.io/api", "k8s.io/apiserver", "k8s.io/kms"]);
  });

  test("they are replaced by the published v0.<minor>.<patch>, godebug kept, commands as tools", () => {
    const text = kubernetesModule(SERVED_GO_MOD);
    expect(text).toContain("require k8s.io/kubernetes v1.35.4");
    expect(text).toContain("\tk8s.io/apiserver => k8s.io/apiserver v0.35.4\n");
    expect(text).toContain("godebug default=go1.25");
    expect(text).toContain(
      "tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kube-controller-manager\n",
    );
  });

  test("etcd's module needs no replaces", () => {
    const text = etcdModule();
    expect(text).toContain("require go.etcd.io/etcd/server/v3 v3.6.16");
    expect(text).not.toContain("replace");
  });

  test("the version ldflags make the server report its real version", () => {
    const flags = kubernetesLdflags("1.35.4", "2026-01-01T00:00:00Z");
    expect(flags).toContain("-X k8s.io/component-base/version.gitVersion=v1.35.4");
    expect(flags).toContain("-X k8s.io/component-base/version.gitMajor=1");
    expect(flags).toContain("-X k8s.io/component-base/version.gitMinor=35");
  });

  test("binary names", () => {
    expect(binaryName("k8s.io/kubernetes/cmd/kube-scheduler")).toBe("kube-scheduler");
    expect(binaryName("go.etcd.io/etcd/server/v3")).toBe("etcd");
  });
});

describe("control plane configuration", () => {
  test("Pod Security like Talos: enforce baseline, audit and warn restricted, kube-system exempt", () => {
    const config = parse(admissionConfiguration()).plugins[0].configuration;
    expect(config.defaults).toMatchObject({ enforce: "baseline", audit: "restricted", warn: "restricted" });
    expect(config.exemptions.namespaces).toEqual(["kube-system"]);
  });

  test("the node lifecycle controller is off and nothing serves beyond the API server", () => {
    const args = controllerManagerArgs({ kubeconfig: "k", serviceAccountKey: "s", certDir: "c" } as RunFiles);
    expect(args).toContain("--controllers=*,-node-lifecycle-controller");
    expect(args).toContain("--secure-port=0");
  });

  test("nodes are Ready, tainted and labelled like Talos control planes", () => {
    const node = talosNode(0);
    expect(node.metadata.labels["node-role.kubernetes.io/control-plane"]).toBe("");
    expect(node.spec.taints).toEqual([
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
    ]);
    expect(node.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
  });
});

const doc = (id: string, after: string[], kind = "ConfigMap"): string =>
  [
    `# ${id}`,
    ...(after.length > 0 ? [`# after: ${after.join(", ")}`] : []),
    "apiVersion: v1",
    `kind: ${kind}`,
    `metadata:\n  name: ${id.split(" ")[1]}`,
  ].join("\n");

describe("reading a render", () => {
  test("documents keep their render id and dependencies; '# (none)' files are empty", () => {
    const parsed = parseLayerFile(`${doc("t a", [])}\n---\n${doc("t b", ["t a", "helm c"])}\n`, "x.yaml");
    expect(parsed._unsafeUnwrap().map((m) => [m.id, m.after])).toEqual([
      ["t a", []],
      ["t b", ["t a", "helm c"]],
    ]);
    expect(parseLayerFile("# (none)\n", "x.yaml")._unsafeUnwrap()).toEqual([]);
  });

  test("a document that is not an object is named", () => {
    expect(parseLayerFile("kind: X\n", "apps.yaml")._unsafeUnwrapErr()).toEqual([
      "apps.yaml document 1: not a Kubernetes object (apiVersion, kind and metadata.name)",
    ]);
  });

  test("dependencies come first, otherwise the file's order; outside ones count as met", () => {
    const manifest = (id: string, after: string[] = []): Manifest => ({
      id,
      after,
      object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: id } },
    });
    const ordered = dependencyOrder([manifest("c", ["b"]), manifest("a"), manifest("b", ["a", "chart"])]);
    expect(ordered.map((m) => m.id)).toEqual(["a", "b", "c"]);
  });

  test("a folder without the layer files is not a render", () => {
    const dir = mkdtempSync(join(tmpdir(), "not-a-render-"));
    writeFileSync(join(dir, "network.yaml"), "# (none)\n");
    expect(readRender(dir)._unsafeUnwrapErr()[0]).toContain(
      "is not a render: storage.yaml, auth.yaml, apps.yaml missing",
    );
  });
});

describe("API errors", () => {
  const status = {
    kind: "Status",
    message: 'Deployment.apps "x" is invalid: spec.template.metadata.labels: Invalid value',
  };
  test("the server's Status message, whether the body is parsed or JSON text", () => {
    expect(apiErrorMessage({ code: 422, body: status })).toBe(status.message);
    expect(apiErrorMessage({ code: 422, body: JSON.stringify(status) })).toBe(status.message);
  });
  test("otherwise the code and the error's first line", () => {
    expect(apiErrorMessage(Object.assign(new Error("HTTP-Code: 500\nBody: …"), { code: 500 }))).toBe(
      "HTTP 500: HTTP-Code: 500",
    );
    expect(apiErrorMessage(new Error("connect ECONNREFUSED"))).toBe("connect ECONNREFUSED");
  });
});

describe("workloads and claims", () => {
  const nfs = { metadata: { name: "nfs" }, provisioner: "nfs.csi.k8s.io", reclaimPolicy: "Retain" };
  const deployment = { kind: "Deployment", namespace: "demo", name: "web", uid: "d1", desired: 2 };
  const snapshot = (pods: Snapshot["pods"], events: Snapshot["events"] = []): Snapshot => ({
    workloads: [],
    claims: [],
    volumes: ["pv1"],
    classes: [nfs],
    replicaSets: [
      { metadata: { uid: "rs1", name: "web-123", namespace: "demo", ownerReferences: [{ uid: "d1" }] } },
    ],
    pods,
    events,
  });
  const pod = (nodeName?: string, message?: string) => ({
    metadata: { ownerReferences: [{ uid: "rs1" }] },
    spec: nodeName ? { nodeName } : {},
    status: message ? { conditions: [{ type: "PodScheduled", status: "False", message }] } : {},
  });
  const running = (ready: boolean) => ({
    ...pod("n1"),
    status: {
      phase: "Running",
      conditions: [
        { type: "Ready", status: ready ? "True" : "False", reason: "ContainersNotReady", message: "probe" },
      ],
    },
  });

  test("pods created through the ReplicaSet, scheduled when they have a node", () => {
    expect(
      workloadState(deployment, snapshot([pod("n1"), pod(undefined, "0/3 nodes: untolerated taint")])),
    ).toMatchObject({
      name: "Deployment demo/web",
      desired: 2,
      created: 2,
      scheduled: 1,
      ready: 0,
      scheduleError: "0/3 nodes: untolerated taint",
    });
  });

  test("Ready pods count; a scheduled pod that is not Ready says why; a Job's pod counts once Succeeded", () => {
    const state = workloadState(deployment, snapshot([running(true), running(false)]));
    expect(state).toMatchObject({ ready: 1, readyError: "ContainersNotReady: probe" });
    expect(layerProblems({ layer: "apps", applied: [], workloads: [state], claims: [] })).toEqual([
      "apps: Deployment demo/web: 1/2 pods Ready: ContainersNotReady: probe",
    ]);
    const job = { ...deployment, kind: "Job", uid: "rs1", desired: 1 };
    expect(workloadState(job, snapshot([running(true)])).ready).toBe(0);
    const failed = {
      ...pod("n1"),
      status: {
        phase: "Failed",
        containerStatuses: [{ state: { terminated: { reason: "Error", message: "refused" } } }],
      },
    };
    expect(workloadState(job, snapshot([failed]))).toMatchObject({ ready: 0, readyError: "Error: refused" });
    expect(workloadState(job, snapshot([{ ...pod("n1"), status: { phase: "Succeeded" } }])).ready).toBe(1);
    const live = {
      kind: "Deployment",
      metadata: { uid: "d1", name: "web", namespace: "demo" },
      spec: { replicas: 2 },
    };
    expect(
      unreadyWorkloads({
        ...snapshot([running(true), pod(undefined, "0/3 nodes: Insufficient cpu")]),
        workloads: [live],
      }),
    ).toEqual(["Deployment demo/web: 1/2 pods Ready: 0/3 nodes: Insufficient cpu"]);
  });

  test("Pod Security refusals come from the ReplicaSet's latest FailedCreate", () => {
    const events = [
      {
        involvedObject: { namespace: "demo", name: "web-123" },
        reason: "FailedCreate",
        message: "new",
        lastTimestamp: "2026-01-01T00:00:02Z",
      },
      {
        involvedObject: { namespace: "demo", name: "web-123" },
        reason: "FailedCreate",
        message: "old",
        lastTimestamp: "2026-01-01T00:00:01Z",
      },
      {
        involvedObject: { namespace: "other", name: "web-123" },
        reason: "FailedCreate",
        message: "elsewhere",
      },
    ];
    const state = workloadState(deployment, snapshot([], events));
    expect(state.createError).toBe("new");
    expect(workloadSettled(state)).toBe(true);
  });

  test("a pod waiting for its claim is not settled; one refused by a taint is", () => {
    const base = { name: "w", desired: 1, created: 1, scheduled: 0, ready: 0 };
    expect(
      workloadSettled({ ...base, scheduleError: "pod has unbound immediate PersistentVolumeClaims" }),
    ).toBe(false);
    expect(workloadSettled({ ...base, scheduleError: "untolerated taint" })).toBe(true);
  });

  const claim = (spec: Record<string, unknown>, phase = "Pending") => ({
    metadata: { name: "data", namespace: "demo", uid: "u1" },
    spec: { accessModes: ["ReadWriteMany"], resources: { requests: { storage: "5Gi" } }, ...spec },
    status: { phase },
  });

  test("claims: static, simulated, or pending for want of a class; which may still bind", () => {
    const state = (spec: Record<string, unknown>, phase?: string) =>
      claimState(claim(spec, phase), snapshot([]));
    expect(state({ volumeName: "pv1", storageClassName: "" }, "Bound")).toMatchObject({
      kind: "static",
      bound: true,
    });
    expect(state({ volumeName: "pv1", storageClassName: "" })).toMatchObject({
      kind: "static",
      waiting: true,
    });
    expect(state({ volumeName: "gone", storageClassName: "" })).toMatchObject({
      waiting: false,
      detail: "gone, which does not exist",
    });
    expect(state({ storageClassName: "nfs" })).toMatchObject({
      kind: "simulated",
      bound: false,
      waiting: true,
    });
    expect(state({ storageClassName: "fast" })).toMatchObject({
      kind: "unprovisioned",
      waiting: false,
      detail: "storage class fast does not exist",
    });
    // No default class to be given later: it stays pending.
    expect(state({})).toMatchObject({ kind: "unprovisioned", waiting: false });
  });

  test("the simulated volume is bound to the claim by uid, with the class's reclaim policy", () => {
    const pending = claim({ storageClassName: "nfs" });
    const storageClass = simulatedClassOf(pending, [nfs]);
    expect(storageClass).toBe(nfs);
    const volume = volumeForClaim(pending, nfs) as unknown as { spec: Record<string, unknown> };
    expect(volume.spec).toMatchObject({
      capacity: { storage: "5Gi" },
      claimRef: { namespace: "demo", name: "data", uid: "u1" },
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "nfs",
    });
    expect(simulatedClassOf(claim({ storageClassName: "nfs" }, "Bound"), [nfs])).toBeUndefined();
    expect(simulatedClassOf(claim({ volumeName: "pv1" }), [nfs])).toBeUndefined();
  });

  test("Longhorn's class follows the chart's values, with the chart's defaults", () => {
    expect(
      longhornStorageClass({ persistence: { reclaimPolicy: "Retain", defaultClassReplicaCount: 2 } }),
    ).toMatchObject({
      provisioner: "driver.longhorn.io",
      reclaimPolicy: "Retain",
      parameters: { numberOfReplicas: "2" },
    });
    expect(longhornStorageClass({}).reclaimPolicy).toBe("Delete");
  });
});

describe("the report", () => {
  const report: LayerReport = {
    layer: "apps",
    applied: [
      { object: "Service demo/web" },
      { object: "Deployment demo/bad", error: 'Deployment.apps "bad" is invalid' },
    ],
    workloads: [
      {
        name: "Deployment demo/web",
        desired: 1,
        created: 1,
        scheduled: 0,
        ready: 0,
        scheduleError: "untolerated taint",
      },
      {
        name: "Deployment demo/priv",
        desired: 1,
        created: 0,
        scheduled: 0,
        ready: 0,
        createError: 'violates PodSecurity "baseline:latest"',
      },
    ],
    claims: [{ name: "demo/data", kind: "static", bound: false, waiting: false, detail: "demo-data" }],
  };

  test("every problem names its layer, object and the server's message", () => {
    expect(layerProblems(report)).toEqual([
      'apps: Deployment demo/bad was rejected: Deployment.apps "bad" is invalid',
      "apps: Deployment demo/web: 0/1 pods scheduled: untolerated taint",
      'apps: Deployment demo/priv: 0/1 pods created: violates PodSecurity "baseline:latest"',
      "apps: claim demo/data did not bind to demo-data",
    ]);
  });

  test("counts per layer, problems last", () => {
    const { text, problems } = formatReport([report]);
    expect(text.split("\n")[0]).toBe("apps: 2 objects, 1 accepted, 1 rejected");
    expect(text).toContain("Deployment demo/web: 1/1 pods created, 0/1 scheduled");
    expect(text).toContain("claim demo/data: NOT bound to its volume demo-data");
    expect(text.trimEnd().split("\n").at(-1)).toBe(`  - ${problems.at(-1)}`);
    expect(formatReport([{ ...report, applied: [], workloads: [], claims: [] }]).text).toContain(
      "No problems",
    );
  });

  test("the self-check is met only when each broken object is named with its refusal", () => {
    const { expectations } = selfCheckObjects();
    expect(unmetExpectations(expectations, [])).toHaveLength(expectations.length);
    const named = expectations.map(
      (e) => `self-check: x ${SELF_CHECK_NAMESPACE}/${e.object.metadata.name}: ${e.says}`,
    );
    expect(unmetExpectations(expectations, named)).toEqual([]);
  });
});

describe("the self-check verdict", () => {
  const { expectations } = selfCheckObjects();
  const report = (problems: { object: string; error: string }[]): LayerReport => ({
    layer: "self-check",
    applied: problems,
    workloads: [],
    claims: [],
  });

  test("fails, naming what went unreported, when the server accepted a broken object", () => {
    const verdict = selfCheckVerdict(report([]));
    expect(verdict.passed).toBe(false);
    expect(verdict.lines.at(-1)).toContain("Deployment selector-misses-template");
  });

  test("passes when each broken object is named with its refusal", () => {
    const refused = expectations.map(({ object, says }) => ({
      object: `${object.kind} ${SELF_CHECK_NAMESPACE}/${object.metadata.name}`,
      error: says,
    }));
    expect(selfCheckVerdict(report(refused)).passed).toBe(true);
  });
});

describe("CRDs", () => {
  test("a CRD is waited for in every version it serves", () => {
    const crd = {
      spec: {
        group: "metallb.io",
        names: { kind: "IPAddressPool" },
        versions: [
          { name: "v1beta1", served: true },
          { name: "v1alpha1", served: false },
        ],
      },
    };
    expect(servedKinds(crd)).toEqual([{ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool" }]);
  });
});

describe("processes", () => {
  test("a log's tail, indented; an empty or missing log says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "log-tail-"));
    writeFileSync(join(dir, "a.log"), "one\ntwo\nthree\n");
    expect(logTail(join(dir, "a.log"), 2)).toBe("    two\n    three");
    writeFileSync(join(dir, "empty.log"), "");
    expect(logTail(join(dir, "empty.log"))).toBe("    (its log is empty)");
    expect(logTail(join(dir, "missing.log"))).toBe("    (its log is empty)");
  });

  test("a free port is a loopback port number", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});
