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

/** The capabilities containerd (and Docker) give a container unless told otherwise. */
export const RUNTIME_DEFAULT_CAPABILITIES: readonly string[] = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "NET_RAW",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/**
 * Capabilities Pod Security "baseline" allows a container to add: the Pod Security Standards'
 * baseline "Capabilities" control, allowed values (kubernetes.io/docs/concepts/security/
 * pod-security-standards). It is the runtime's default set less NET_RAW; restricted allows only
 * NET_BIND_SERVICE.
 */
export const BASELINE_CAPABILITIES: readonly string[] = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/** What a pod asks for beyond the restricted defaults, as far as Pod Security levels care. */
export interface PodPrivileges {
  readonly runAsRoot: boolean;
  readonly addedCapabilities: readonly string[];
  readonly allowPrivilegeEscalation: boolean;
}

/** The strictest Pod Security level a pod with these privileges satisfies. */
export const podSecurityLevelOf = (pod: PodPrivileges): PodSecurityLevel => {
  const added = pod.addedCapabilities;
  if (added.some((capability) => !BASELINE_CAPABILITIES.includes(capability))) return "privileged";
  if (
    pod.runAsRoot ||
    pod.allowPrivilegeEscalation ||
    added.some((capability) => capability !== "NET_BIND_SERVICE")
  )
    return "baseline";
  return "restricted";
};
