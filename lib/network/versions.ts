/**
 * Every chart and image the network layer deploys, pinned here and nowhere else.
 * Versions and repositories checked in ../shared/reference/components.md.
 */
export const charts = {
  metallb: { chart: "metallb", version: "0.16.1", repo: "https://metallb.github.io/metallb" },
  traefik: { chart: "traefik", version: "41.3.0", repo: "https://traefik.github.io/charts" },
  /** cert-manager versions carry a leading `v`. */
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
  /** Chart 1.21.1 ships external-dns app v0.21.0 (where `--pihole-api-version` still exists). */
  externalDns: {
    chart: "external-dns",
    version: "1.21.1",
    repo: "https://kubernetes-sigs.github.io/external-dns/",
  },
} as const;

export type ChartRef = (typeof charts)[keyof typeof charts];

export const images = {
  pihole: "docker.io/pihole/pihole:2026.07.2",
} as const;

/** The external-dns app version the pinned chart runs; flags are chosen for it. */
export const externalDnsAppVersion = "0.21.0";
