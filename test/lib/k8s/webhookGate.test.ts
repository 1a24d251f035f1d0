import { describe, expect, test } from "bun:test";
import { valueAt } from "../../../lib/core/plan.ts";
import {
  PULUMI_REPLACE_UNREADY,
  PULUMI_TIMEOUT_SECONDS,
  WEBHOOK_GATE_ANNOTATION,
} from "../../../lib/k8s/annotations.ts";
import { CONTROL_PLANE_TOLERATION } from "../../../lib/k8s/talos.ts";
import {
  CURL_IMAGE,
  WEBHOOK_GATE_AWAIT_SECONDS,
  WEBHOOK_GATE_DEADLINE_SECONDS,
  WEBHOOK_GATE_INTERVAL_SECONDS,
  WEBHOOK_GATE_WINDOW_SECONDS,
  webhookGate,
} from "../../../lib/k8s/webhookGate.ts";
import { ipAddressPool } from "../../../lib/layers/network/metallb.ts";

const probe = ipAddressPool({ name: "webhook-probe", addresses: ["192.0.2.0/32"], autoAssign: false });
const gate = webhookGate({
  name: "metallb",
  namespace: "metallb-system",
  after: ["helm/metallb-system/metallb"],
  probes: [probe],
});
const byKind = (kind: string) => {
  const found = gate.objects.find((planned) => planned.object.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found;
};
// biome-ignore lint/suspicious/noExplicitAny: reading nested object fields in assertions.
const field = (kind: string): any => byKind(kind).object;
const script = (): string => field("Job").spec.template.spec.containers[0].command[2];

describe("webhook gate", () => {
  test("a Job that runs the dry-run loop with sh, after the release, the account, its rights and the probes", () => {
    const job = byKind("Job");
    expect(gate.job).toBe(job.id);
    expect(job.after).toEqual([
      "helm/metallb-system/metallb",
      "serviceaccount/metallb-system/metallb-webhook-gate",
      "clusterrolebinding/cluster/metallb-webhook-gate",
      "configmap/metallb-system/metallb-webhook-gate",
    ]);
    const container = field("Job").spec.template.spec.containers[0];
    expect(container.image).toBe(CURL_IMAGE);
    expect(container.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(container.args).toBeUndefined();
    expect(container.volumeMounts).toEqual([{ name: "probes", mountPath: "/probes", readOnly: true }]);
    expect(field("Job").metadata.annotations[WEBHOOK_GATE_ANNOTATION]).toBe("metallb.io");
  });

  test("a failed gate is replaced by the next deploy: replaceUnready, exactly the string the provider reads", () => {
    expect(field("Job").metadata.annotations[PULUMI_REPLACE_UNREADY]).toBe("true");
  });

  test("one pod, never restarted: the script is the retry loop and a second pod would restart its window", () => {
    expect(field("Job").spec.backoffLimit).toBe(0);
    expect(field("Job").spec.template.spec.restartPolicy).toBe("Never");
  });

  test("tries every 5 s for 600 s; the Job's deadline is past the window and Pulumi awaits past the deadline", () => {
    expect(WEBHOOK_GATE_INTERVAL_SECONDS).toBe(5);
    expect(WEBHOOK_GATE_WINDOW_SECONDS).toBe(600);
    expect(script()).toContain("\ninterval=5\n");
    expect(script()).toContain("\nwindow=600\n");
    const deadline = field("Job").spec.activeDeadlineSeconds;
    expect(deadline).toBe(WEBHOOK_GATE_DEADLINE_SECONDS);
    expect(deadline).toBeGreaterThan(WEBHOOK_GATE_WINDOW_SECONDS + WEBHOOK_GATE_INTERVAL_SECONDS);
    const awaited = Number(field("Job").metadata.annotations[PULUMI_TIMEOUT_SECONDS]);
    expect(awaited).toBe(WEBHOOK_GATE_AWAIT_SECONDS);
    expect(awaited).toBeGreaterThan(deadline);
  });

  test("the script posts the pool as a dry run to its namespaced collection, named by the gate", () => {
    expect(script()).toContain(
      "probe '/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools' 'probe-0.json'",
    );
    expect(script()).toContain("gate='metallb-webhook-gate'\ngroups='metallb.io'\n");
    expect(script()).toContain('"https://kubernetes.default.svc$1?dryRun=All"');
  });

  test("each probe is a JSON file; the role may create exactly their kinds", () => {
    expect(JSON.parse(field("ConfigMap").data["probe-0.json"])).toEqual(probe);
    expect(Object.keys(field("ConfigMap").data)).toEqual(["probe-0.json"]);
    expect(field("ClusterRole").rules).toEqual([
      { apiGroups: ["metallb.io"], resources: ["ipaddresspools"], verbs: ["create"] },
    ]);
    expect(field("ClusterRoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "metallb-webhook-gate", namespace: "metallb-system" },
    ]);
  });

  test("the probe files stay each gate's own when gates are planned again and again", () => {
    const probeFiles = (addresses: string[]) =>
      valueAt(
        webhookGate({
          name: "metallb",
          namespace: "metallb-system",
          after: [],
          probes: [ipAddressPool({ name: "webhook-probe", addresses, autoAssign: false })],
        }).objects.find((planned) => planned.object.kind === "ConfigMap")?.object,
        "data",
      ) as Record<string, string>;
    const first = probeFiles(["192.0.2.0/32"]);
    const other = probeFiles(["198.51.100.0/32"]);
    expect(probeFiles(["192.0.2.0/32"])).toEqual(first);
    expect(first).toEqual(field("ConfigMap").data);
    expect(JSON.parse(other["probe-0.json"] ?? "").spec.addresses).toEqual(["198.51.100.0/32"]);
  });

  test("its pod runs on control-plane nodes as the image's curl_user and meets Pod Security restricted", () => {
    const pod = field("Job").spec.template.spec;
    expect(pod.tolerations).toEqual([CONTROL_PLANE_TOLERATION]);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 101,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    // The pod reads the API server with its ServiceAccount's token, and nothing else.
    expect(pod).toMatchObject({
      serviceAccountName: "metallb-webhook-gate",
      automountServiceAccountToken: true,
    });
  });
});
