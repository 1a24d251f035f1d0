/** The stand-in controllers' pure parts: MetalLB's and Traefik's addresses, the gate script run here, kwok's config. */
import { describe, expect, test } from "bun:test";
import {
  ingressAddresses,
  loadBalancerAddress,
  traefikPublisher,
} from "../../../harness/cluster/addresses.ts";
import { AWAITED } from "../../../harness/cluster/controllers.ts";
import {
  fallbackMessage,
  gateToolsProblem,
  isGateToRun,
  localScript,
} from "../../../harness/cluster/gateRunner.ts";
import { gateGaveUp, notServingWebhook } from "../../../harness/cluster/notServing.ts";
import { WEBHOOK_GATE_LABEL } from "../../../lib/k8s/annotations.ts";
import { webhookGate } from "../../../lib/k8s/webhookGate.ts";

const service = (name: string, annotations: Record<string, string>, ip?: string) => ({
  metadata: { name, namespace: "lb", annotations },
  spec: { type: "LoadBalancer" },
  ...(ip ? { status: { loadBalancer: { ingress: [{ ip }] } } } : {}),
});
const pools = [
  { metadata: { name: "fixed" }, spec: { addresses: ["192.168.4.53/32"], autoAssign: false } },
  { metadata: { name: "lan" }, spec: { addresses: ["192.168.4.100-192.168.4.102"] } },
];

describe("MetalLB's address", () => {
  test("the fixed IP the annotation asks for; else the named pool's first free one; else an auto-assigning pool's", () => {
    expect(
      loadBalancerAddress(service("a", { "metallb.io/loadBalancerIPs": "192.168.4.71" }), pools, []),
    ).toBe("192.168.4.71");
    expect(loadBalancerAddress(service("b", { "metallb.io/address-pool": "fixed" }), pools, [])).toBe(
      "192.168.4.53",
    );
    const taken = [service("x", {}, "192.168.4.100")];
    expect(loadBalancerAddress(service("c", {}), pools, taken)).toBe("192.168.4.101");
  });

  test("nothing for a Service that has one, is no LoadBalancer, or whose pool is full", () => {
    expect(loadBalancerAddress(service("a", {}, "192.168.4.100"), pools, [])).toBeUndefined();
    expect(
      loadBalancerAddress({ ...service("a", {}), spec: { type: "ClusterIP" } }, pools, []),
    ).toBeUndefined();
    const full = [service("x", {}, "192.168.4.53")];
    expect(
      loadBalancerAddress(service("b", { "metallb.io/address-pool": "fixed" }), pools, full),
    ).toBeUndefined();
  });
});

describe("an Ingress's address", () => {
  const publisher = traefikPublisher({
    providers: {
      kubernetesIngress: {
        ingressClass: "private",
        publishedService: { enabled: true, pathOverride: "lb/traefik" },
      },
    },
  });

  test("Traefik's publishedService: its Ingresses get the Service's address once it has one", () => {
    expect(publisher).toEqual({ ingressClass: "private", service: "lb/traefik" });
    const publishers = publisher ? [publisher] : [];
    expect(ingressAddresses("private", publishers, [service("traefik", {}, "192.168.4.71")])).toEqual([
      { ip: "192.168.4.71" },
    ]);
    expect(ingressAddresses("private", publishers, [service("traefik", {})])).toEqual([]);
    expect(ingressAddresses("public", publishers, [service("traefik", {}, "192.168.4.71")])).toEqual([]);
    expect(traefikPublisher({ providers: { kubernetesIngress: { ingressClass: "x" } } })).toBeUndefined();
  });
});

describe("the webhook gate run here", () => {
  const gate = webhookGate({
    name: "demo",
    namespace: "demo",
    after: [],
    probes: [
      { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "p", namespace: "demo" } },
    ],
  });
  const job = gate.objects.find((item) => item.object.kind === "Job")?.object as unknown as {
    spec: {
      template: {
        metadata: { labels: Record<string, string> };
        spec: { containers: { command: string[]; terminationMessagePolicy: string }[] };
      };
    };
  };
  const [container] = job.spec.template.spec.containers;

  test("the pod carries the gate label; its container keeps its log as the failure message", () => {
    expect(job.spec.template.metadata.labels[WEBHOOK_GATE_LABEL]).toBe("demo-webhook-gate");
    expect(container?.terminationMessagePolicy).toBe("FallbackToLogsOnError");
  });

  test("the pod's own script, pointed at this run's files and server, with the short window", () => {
    const script = localScript(
      container?.command[2] ?? "",
      { sa: "/run/sa", probes: "/run/probes" },
      "https://127.0.0.1:6443",
    );
    expect(script).toContain("sa=/run/sa\n");
    expect(script).toContain('"@/run/probes/$2"');
    expect(script).toContain('"https://127.0.0.1:6443$1?dryRun=All"');
    expect(script).toContain("\nwindow=4\n");
    expect(script).toContain("\ninterval=1\n");
    expect(script).not.toMatch(/kubernetes\.default\.svc|\/var\/run\/secrets|"@\/probes\//);
  });

  test("the kubelet keeps a failed log's last 80 lines, at most 2048 bytes", () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    expect(fallbackMessage(log).split("\n")).toHaveLength(80);
    expect(fallbackMessage("x".repeat(3000))).toHaveLength(2048);
  });

  test("only a gate's pod that kwok made Running is run, once", () => {
    const pod = (labels: Record<string, string>, phase: string) => ({
      metadata: { labels },
      status: { phase },
    });
    expect(isGateToRun(pod({ [WEBHOOK_GATE_LABEL]: "g" }, "Running"))).toBe(true);
    expect(isGateToRun(pod({ [WEBHOOK_GATE_LABEL]: "g" }, "Pending"))).toBe(false);
    expect(isGateToRun(pod({}, "Running"))).toBe(false);
  });
});

test("the awaited kinds table covers every kind the provider awaits", () => {
  const kinds = AWAITED.map((row) => row.kind).join(", ");
  for (const kind of [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "Pod",
    "Service",
    "Ingress",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "Secret",
    "ServiceAccount",
  ])
    expect(kinds).toContain(kind);
});

describe("the webhook that does not serve yet", () => {
  test("it sends every create of the group to a Service that is not there, and fails closed", () => {
    const [webhook] = notServingWebhook("metallb.io", "metallb-system").webhooks;
    expect(webhook?.rules).toEqual([
      { apiGroups: ["metallb.io"], apiVersions: ["*"], operations: ["CREATE"], resources: ["*"] },
    ]);
    expect(webhook?.failurePolicy).toBe("Fail");
  });

  test("it comes up once a gate's pod has failed", () => {
    const pod = (phase: string) => ({
      metadata: { labels: { [WEBHOOK_GATE_LABEL]: "g" } },
      status: { phase },
    });
    expect(gateGaveUp([pod("Running"), pod("Succeeded")])).toBe(false);
    expect(gateGaveUp([pod("Failed")])).toBe(true);
  });
});

test("a missing sh or curl is named before anything starts", () => {
  expect(gateToolsProblem(() => "/bin/x")).toBeUndefined();
  expect(gateToolsProblem((tool) => (tool === "curl" ? null : "/bin/sh"))).toContain("curl not on PATH");
});
