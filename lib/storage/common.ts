/** Small pieces every part of the storage layer shares. */
import type { KubeObject } from "../plan.ts";

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
