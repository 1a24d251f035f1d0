/**
 * The CloudNativePG `Cluster` (postgresql.cnpg.io/v1): a custom resource of the chart the storage
 * layer installs. Its builder lives here, below every layer, like the Longhorn facts: any layer
 * after storage may create one, and its defaults hold wherever it is built.
 */
import type { CustomObject, ObjectMeta } from "../core/plan.ts";
import { CONTROL_PLANE_TOLERATION } from "./talos.ts";

export interface PostgresClusterOptions {
  instances: number;
  /** The PostgreSQL image (its major version is the data's: the volume guard watches it). */
  image: string;
  /** The database created at bootstrap, owned by a role of the same name. */
  database: string;
  size: string;
  storageClass: string;
  /** Labels the operator copies onto the instance claims (and pods). */
  claimLabels: Readonly<Record<string, string>>;
}

export const postgresClusterObject = (
  metadata: ObjectMeta,
  options: PostgresClusterOptions,
): CustomObject => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata,
  spec: {
    instances: options.instances,
    imageName: options.image,
    // A single instance with a PodDisruptionBudget would block every node drain (e.g. Talos upgrades).
    enablePDB: options.instances > 1,
    enableSuperuserAccess: false,
    bootstrap: { initdb: { database: options.database, owner: options.database } },
    storage: { size: options.size, storageClass: options.storageClass },
    // The operator places instance and job pods only through this, not through a pod template.
    affinity: { tolerations: [CONTROL_PLANE_TOLERATION] },
    inheritedMetadata: { labels: { ...options.claimLabels } },
  },
});
