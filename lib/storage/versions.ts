/**
 * Every chart the storage layer installs, pinned in one place. Versions and repositories are the
 * checked facts of ../shared/reference/components.md (sections 5-7).
 */
export interface ChartPin {
  /** Helm release name (also the Pulumi resource name of the chart). */
  release: string;
  chart: string;
  version: string;
  repo: string;
  namespace: string;
}

export const CSI_DRIVER_NFS: ChartPin = {
  release: "csi-driver-nfs",
  chart: "csi-driver-nfs",
  version: "4.13.4",
  repo: "https://kubernetes-csi.github.io/csi-driver-nfs",
  namespace: "kube-system",
};

export const LONGHORN: ChartPin = {
  release: "longhorn",
  chart: "longhorn",
  version: "1.12.1",
  repo: "https://charts.longhorn.io",
  namespace: "longhorn-system",
};

export const CLOUDNATIVE_PG: ChartPin = {
  release: "cloudnative-pg",
  chart: "cloudnative-pg",
  version: "0.29.0",
  repo: "https://cloudnative-pg.github.io/charts",
  namespace: "cnpg-system",
};
