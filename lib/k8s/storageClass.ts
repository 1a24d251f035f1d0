/** StorageClass: how claims of a class get their volumes; the provisioner's parameters come from its layer. */
import type { CoreObject, ObjectMeta } from "../core/plan.ts";

export interface StorageClassOptions {
  /** The CSI driver that provisions the class's volumes. */
  provisioner: string;
  /** Only `Retain`: a claim deleted by accident must not take its data with it. */
  reclaimPolicy: "Retain";
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  mountOptions?: readonly string[];
  /** The provisioner's own parameters. */
  parameters: Readonly<Record<string, string>>;
}

export type StorageClassObject = CoreObject<"storage.k8s.io/v1/StorageClass">;

/** A StorageClass is cluster-scoped: its metadata names no namespace. */
export const storageClassObject = (
  metadata: Omit<ObjectMeta, "namespace">,
  options: StorageClassOptions,
): StorageClassObject => ({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata,
  provisioner: options.provisioner,
  reclaimPolicy: options.reclaimPolicy,
  volumeBindingMode: options.volumeBindingMode,
  ...(options.mountOptions === undefined ? {} : { mountOptions: [...options.mountOptions] }),
  parameters: { ...options.parameters },
});
