/**
 * The failure a webhook gate exists for, made real for the rehearsal: a chart's admission webhook
 * registered but not serving yet (MetalLB's readiness is a plain ping, so its pods report ready
 * before the webhook answers; lib/k8s/webhookGate.ts). The stand-in registers a
 * ValidatingWebhookConfiguration for the group's kinds whose Service does not exist, so the API
 * server refuses every create of them with its own "failed calling webhook" error, the gate's
 * dry runs included. Once a gate of that group has given up (its pod Failed), the webhook "comes
 * up": the configuration goes, as if the chart's pod now answered. The next deploy, unchanged,
 * meets a serving webhook.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { WEBHOOK_GATE_LABEL } from "../../lib/k8s/annotations.ts";
import type { Clients } from "./api.ts";

const NAME = "e2e-rehearsal-webhook-not-serving";

/** The webhook configuration: every create of `group`'s kinds goes to a Service that is not there. */
export const notServingWebhook = (group: string, namespace: string) => ({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingWebhookConfiguration",
  metadata: { name: NAME },
  webhooks: [
    {
      name: `not-serving-yet.${group}`,
      clientConfig: { service: { namespace, name: "webhook-not-serving-yet", path: "/validate" } },
      rules: [{ apiGroups: [group], apiVersions: ["*"], operations: ["CREATE"], resources: ["*"] }],
      failurePolicy: "Fail",
      sideEffects: "None",
      admissionReviewVersions: ["v1"],
    },
  ],
});

export const registerNotServing = async (
  clients: Clients,
  group: string,
  namespace: string,
): Promise<void> => {
  await clients.admission.createValidatingWebhookConfiguration({
    body: notServingWebhook(group, namespace) as never,
  });
};

/** Whether a gate's pod has given up: the gate that met the webhook not serving. */
export const gateGaveUp = (pods: readonly V1Pod[]): boolean =>
  pods.some((pod) => pod.metadata?.labels?.[WEBHOOK_GATE_LABEL] && pod.status?.phase === "Failed");

/** Removes the configuration once a gate gave up; returns what it did. */
export const serveAfterRefusal = async (clients: Clients, pods: readonly V1Pod[]): Promise<string[]> => {
  if (!gateGaveUp(pods)) return [];
  try {
    await clients.admission.deleteValidatingWebhookConfiguration({ name: NAME });
    return ["the webhook that refused the gate serves now (its configuration removed)"];
  } catch {
    return []; // Not registered, or gone already.
  }
};
