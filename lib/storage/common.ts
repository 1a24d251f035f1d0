/** Small pieces every part of the storage layer shares. */
import type { KubeObject } from "../plan.ts";

export interface Toleration {
  key: string;
  operator: "Exists" | "Equal";
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Talos taints control-plane nodes; on a control-plane-only cluster storage must run there anyway. */
export const CONTROL_PLANE_TOLERATION: Toleration = {
  key: "node-role.kubernetes.io/control-plane",
  operator: "Exists",
  effect: "NoSchedule",
};

export interface NamespaceObject extends KubeObject {
  apiVersion: "v1";
  kind: "Namespace";
  metadata: { name: string; labels: Record<string, string> };
}

export const namespace = (name: string, labels: Readonly<Record<string, string>> = {}): NamespaceObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { "app.kubernetes.io/part-of": "homelab-storage", ...labels } },
});
