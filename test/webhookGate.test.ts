import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { CONTROL_PLANE_TOLERATION } from "../lib/k8s/talos.ts";
import { ipAddressPool } from "../lib/network/metallb.ts";
import { KUBECTL_IMAGE, WEBHOOK_GATE_ANNOTATION, webhookGate } from "../lib/webhookGate.ts";

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

describe("webhook gate", () => {
  test("a Job that dry-runs the probes with kubectl, after the release, the account, its rights and the probes", () => {
    const job = byKind("Job");
    expect(gate.job).toBe(job.id);
    expect(job.after).toEqual([
      "helm/metallb-system/metallb",
      "serviceaccount/metallb-system/metallb-webhook-gate",
      "clusterrolebinding/cluster/metallb-webhook-gate",
      "configmap/metallb-system/metallb-webhook-gate",
    ]);
    const container = field("Job").spec.template.spec.containers[0];
    expect(container.image).toBe(KUBECTL_IMAGE);
    expect(container.args).toEqual(["create", "--dry-run=server", "-f", "/probes/probes.yaml"]);
    expect(field("Job").metadata.annotations[WEBHOOK_GATE_ANNOTATION]).toBe("metallb.io");
    expect(field("Job").spec.activeDeadlineSeconds).toBe(600);
  });

  test("the probes file is the probe objects; the role may create exactly their kinds", () => {
    expect(parse(field("ConfigMap").data["probes.yaml"])).toEqual(probe);
    expect(field("ClusterRole").rules).toEqual([
      { apiGroups: ["metallb.io"], resources: ["ipaddresspools"], verbs: ["create"] },
    ]);
    expect(field("ClusterRoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "metallb-webhook-gate", namespace: "metallb-system" },
    ]);
  });

  test("the probes file stays each gate's own when gates are planned again and again", () => {
    const probesFile = (addresses: string[]) =>
      webhookGate({
        name: "metallb",
        namespace: "metallb-system",
        after: [],
        probes: [ipAddressPool({ name: "webhook-probe", addresses, autoAssign: false })],
      }).objects.find((planned) => planned.object.kind === "ConfigMap")?.object.data as Record<
        string,
        string
      >;
    const first = probesFile(["192.0.2.0/32"]);
    const other = probesFile(["198.51.100.0/32"]);
    expect(probesFile(["192.0.2.0/32"])).toEqual(first);
    expect(first).toEqual(field("ConfigMap").data);
    expect(parse(other["probes.yaml"] ?? "").spec.addresses).toEqual(["198.51.100.0/32"]);
  });

  test("its pod runs on control-plane nodes and meets Pod Security restricted", () => {
    const pod = field("Job").spec.template.spec;
    expect(pod.tolerations).toEqual([CONTROL_PLANE_TOLERATION]);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
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
