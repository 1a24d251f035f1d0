/**
 * What running on Talos Linux asks of every layer: Pod Security labels (Talos enforces `baseline`
 * in every namespace but kube-system) and the toleration for control-plane nodes, which Talos
 * taints `NoSchedule` and which are often the only nodes of a home cluster.
 */

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** Labels that make a namespace enforce, audit and warn at one Pod Security level. */
export const podSecurityLabels = (level: PodSecurityLevel): Record<string, string> => ({
  "pod-security.kubernetes.io/enforce": level,
  "pod-security.kubernetes.io/audit": level,
  "pod-security.kubernetes.io/warn": level,
});

/** Lets a pod run on control-plane nodes that keep their taint. */
export const CONTROL_PLANE_TOLERATION = {
  key: "node-role.kubernetes.io/control-plane",
  operator: "Exists",
  effect: "NoSchedule",
} as const;
