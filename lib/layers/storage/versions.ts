/**
 * Every chart the storage layer installs, pinned in one place, with what each does on a real
 * deploy (lib/charts/chartFacts.ts). Versions, repositories and facts are those of
 * ../shared/reference/components.md (sections 5-7, 11) and ../shared/reference/crds/SOURCES.md.
 */
import type { ChartFacts } from "../../charts/chartFacts.ts";
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";

export interface ChartPin {
  /** Helm release name (also the Pulumi resource name of the chart). */
  release: string;
  chart: string;
  version: string;
  repo: string;
  namespace: string;
  facts: ChartFacts;
}

export const CSI_DRIVER_NFS: ChartPin = {
  release: "csi-driver-nfs",
  chart: "csi-driver-nfs",
  version: "4.13.4",
  repo: "https://kubernetes-csi.github.io/csi-driver-nfs",
  namespace: "kube-system",
  facts: {
    // Its only CRDs (volume snapshots) come with externalSnapshotter, which stays off.
    tolerations: [
      // values.yaml 4.13.4: the controller tolerates the master and control-plane taints...
      {
        pods: "controller",
        list: "controller.tolerations",
        default: [
          { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
          { key: "node-role.kubernetes.io/controlplane", operator: "Exists", effect: "NoSchedule" },
          CONTROL_PLANE_TOLERATION,
          { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
        ],
      },
      // ...and the node DaemonSet tolerates every taint.
      { pods: "node", list: "node.tolerations", default: [{ operator: "Exists" }] },
    ],
  },
};

/** The default StorageClass the chart creates from `persistence.*`. */
export const LONGHORN_STORAGE_CLASS = "longhorn";

export const LONGHORN: ChartPin = {
  release: "longhorn",
  chart: "longhorn",
  version: "1.12.1",
  repo: "https://charts.longhorn.io",
  namespace: "longhorn-system",
  facts: {
    crds: { from: "templates", groups: ["longhorn.io"] },
    // longhorn-manager serves the admission webhooks of longhorn.io resources; whether its
    // readiness waits for them was not verified, so it counts as not.
    webhook: { groups: ["longhorn.io"], readyMeansServing: false },
    storageClasses: [
      { name: LONGHORN_STORAGE_CLASS, defaultSwitch: { path: "persistence.defaultClass", default: true } },
    ],
    tolerations: [
      { pods: "manager", list: "longhornManager.tolerations" },
      { pods: "driver deployer", list: "longhornDriver.tolerations" },
      { pods: "ui", list: "longhornUI.tolerations" },
      // Instance managers, engine images and CSI pods, which the manager creates itself.
      { pods: "system-managed", setting: "defaultSettings.taintToleration" },
    ],
  },
};

export const CLOUDNATIVE_PG: ChartPin = {
  release: "cloudnative-pg",
  chart: "cloudnative-pg",
  version: "0.29.0",
  repo: "https://cloudnative-pg.github.io/charts",
  namespace: "cnpg-system",
  facts: {
    crds: {
      from: "templates",
      groups: ["postgresql.cnpg.io"],
      switch: { path: "crds.create", default: true },
    },
    // Its readiness is served by the webhook server, with the CA in place before it starts.
    webhook: { groups: ["postgresql.cnpg.io"], readyMeansServing: true },
    tolerations: [{ pods: "operator", list: "tolerations" }],
  },
};

/** Every chart the storage layer installs (`bun run e2e` makes a stand-in for each). */
export const charts = {
  csiDriverNfs: CSI_DRIVER_NFS,
  longhorn: LONGHORN,
  cloudnativePg: CLOUDNATIVE_PG,
} as const;
