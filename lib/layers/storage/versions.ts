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

/**
 * The CSI snapshot controller and the snapshot CRDs (kubernetes-csi/external-snapshotter v8.6.0)
 * from Piraeus' chart: piraeusdatastore/helm-charts@snapshot-controller-5.2.0
 * charts/snapshot-controller (Chart.yaml appVersion v8.6.0; README: repository
 * https://piraeus.io/helm-charts/). Its templates/crds.yaml renders `crds.yaml`, which the chart's
 * Makefile assembles from external-snapshotter <appVersion>/client/config/crd/, behind the
 * top-level `installCRDs` (default true). Those files are the Go module
 * github.com/kubernetes-csi/external-snapshotter/client/v8@v8.6.0's config/crd/. The conversion
 * webhook (`webhook.enabled`) is off by default in 5.2.0: no admission webhook.
 */
export const SNAPSHOT_CONTROLLER: ChartPin = {
  release: "snapshot-controller",
  chart: "snapshot-controller",
  version: "5.2.0",
  repo: "https://piraeus.io/helm-charts/",
  namespace: "kube-system",
  facts: {
    crds: {
      from: "templates",
      groups: ["snapshot.storage.k8s.io", "groupsnapshot.storage.k8s.io"],
      switch: { path: "installCRDs", default: true },
      goModule: {
        path: "github.com/kubernetes-csi/external-snapshotter/client/v8",
        version: "v8.6.0",
        folder: "config/crd",
      },
    },
    // values.yaml 5.2.0: `controller.tolerations: []`.
    tolerations: [{ pods: "controller", list: "controller.tolerations", default: [] }],
  },
};

/** Every chart the storage layer installs (`bun run e2e` makes a stand-in for each). */
export const charts = {
  csiDriverNfs: CSI_DRIVER_NFS,
  longhorn: LONGHORN,
  cloudnativePg: CLOUDNATIVE_PG,
  snapshotController: SNAPSHOT_CONTROLLER,
} as const;
