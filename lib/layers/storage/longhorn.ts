/**
 * Longhorn for a small control-plane-only Talos cluster: tolerations everywhere, conservative
 * replica counts, NFS backup target, Retain default StorageClass, no Helm hook job.
 * Keys are those of the longhorn 1.12.1 chart's values.yaml (components.md §6).
 */
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";
import { namespace } from "./common.ts";
import { LONGHORN } from "./versions.ts";

export const LONGHORN_NAMESPACE = LONGHORN.namespace;
export { LONGHORN_STORAGE_CLASS } from "./versions.ts";
/** ClusterIP Service of the UI in the chart (templates/deployment-ui.yaml), port 80. */
export const LONGHORN_UI_SERVICE = "longhorn-frontend";

/** `kubectl taint` syntax for system-managed pods (instance managers, CSI plugin, share managers). */
const LONGHORN_TAINT_TOLERATION = `${CONTROL_PLANE_TOLERATION.key}:${CONTROL_PLANE_TOLERATION.effect}`;

export const longhornNamespace = () => namespace(LONGHORN_NAMESPACE, "privileged");

export interface LonghornSettings {
  readonly nfsHostname: string;
  readonly longhornNfsBackupPath: string;
  readonly longhornReplicaCount: number;
  readonly longhornDataPath: string;
}

export const longhornBackupTarget = (
  config: Pick<LonghornSettings, "nfsHostname" | "longhornNfsBackupPath">,
) => `nfs://${config.nfsHostname}:${config.longhornNfsBackupPath}`;

/**
 * CSI sidecars (attacher, provisioner, resizer, snapshotter) are leader-elected: one works, the
 * rest wait. Two give fail-over on 2-3 nodes instead of the chart's three; one on a single node.
 */
export const csiSidecarReplicas = (replicaCount: number): number => Math.min(2, Math.max(1, replicaCount));

export const longhornValues = (config: LonghornSettings) => {
  const tolerations = [CONTROL_PLANE_TOLERATION];
  const sidecars = csiSidecarReplicas(config.longhornReplicaCount);
  return {
    global: { tolerations },
    longhornManager: {
      tolerations,
      // Requests only: a memory limit on the manager would turn a spike into volume outages.
      resources: { requests: { cpu: "100m", memory: "256Mi" } },
    },
    longhornDriver: { tolerations },
    longhornUI: { tolerations, replicas: 1 },
    csi: {
      attacherReplicaCount: sidecars,
      provisionerReplicaCount: sidecars,
      resizerReplicaCount: sidecars,
      snapshotterReplicaCount: sidecars,
    },
    persistence: {
      defaultClass: true,
      defaultClassReplicaCount: config.longhornReplicaCount,
      reclaimPolicy: "Retain",
    },
    defaultBackupStore: { backupTarget: longhornBackupTarget(config) },
    // Helm hooks are not run as hooks by Pulumi's helm.v4.Chart; Longhorn recommends this for GitOps.
    preUpgradeChecker: { jobEnabled: false },
    defaultSettings: {
      taintToleration: LONGHORN_TAINT_TOLERATION,
      // Control-plane-only clusters: never force-delete pods of a down node (the seed's choice).
      nodeDownPodDeletionPolicy: "do-nothing",
      defaultReplicaCount: config.longhornReplicaCount,
      defaultDataPath: config.longhornDataPath,
      // Rebuilding one replica at a time per node keeps disk and etcd latency sane on small nodes.
      concurrentReplicaRebuildPerNodeLimit: 1,
    },
  };
};
