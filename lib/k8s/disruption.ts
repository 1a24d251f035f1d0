/** PodDisruptionBudget: how many pods a voluntary disruption (a node drain, a Talos upgrade) leaves. */
import type { CoreObject, ObjectMeta } from "../core/plan.ts";

/**
 * Evictions of the selected pods are refused while fewer than `minAvailable` of them would stay
 * Ready; a drain waits instead. Involuntary losses (a node crashing) are not covered. A pod that
 * is not Ready serves nothing, so it may always be evicted (`AlwaysAllow`, GA in Kubernetes 1.31):
 * one stuck pod cannot hold a drain forever.
 */
export const podDisruptionBudgetObject = (
  metadata: ObjectMeta,
  selector: Readonly<Record<string, string>>,
  minAvailable: number,
): CoreObject<"policy/v1/PodDisruptionBudget"> => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata,
  spec: {
    minAvailable,
    selector: { matchLabels: { ...selector } },
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  },
});
