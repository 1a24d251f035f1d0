/**
 * Every chart and image the network layer deploys, pinned here and nowhere else, with what each
 * chart does on a real deploy (lib/charts/chartFacts.ts). Versions, repositories and facts checked in
 * ../shared/reference/components.md and ../shared/reference/crds/SOURCES.md.
 */
import type { ChartFacts } from "../../charts/chartFacts.ts";

export const charts = {
  metallb: {
    chart: "metallb",
    version: "0.16.1",
    repo: "https://metallb.github.io/metallb",
    facts: {
      // The frrk8s.metallb.io CRDs come only with the frr-k8s subchart, which stays off.
      crds: { from: "templates", groups: ["metallb.io"], switch: { path: "crds.enabled", default: true } },
      // Ready is a plain ping since 0.16: its webhook may still refuse (metallb/metallb#1597).
      webhook: { groups: ["metallb.io"], readyMeansServing: false },
      tolerations: [
        { pods: "controller", list: "controller.tolerations" },
        { pods: "speaker", flag: "speaker.tolerateMaster", default: true },
      ],
    },
  },
  traefik: {
    chart: "traefik",
    version: "41.3.0",
    repo: "https://traefik.github.io/charts",
    facts: {
      crds: { from: "crds/", groups: ["traefik.io", "hub.traefik.io"] },
      tolerations: [{ pods: "traefik", list: "tolerations" }],
    },
  },
  /** cert-manager versions carry a leading `v`. */
  certManager: {
    chart: "cert-manager",
    version: "v1.21.1",
    repo: "https://charts.jetstack.io",
    facts: {
      crds: {
        from: "templates",
        groups: ["cert-manager.io", "acme.cert-manager.io"],
        switch: { path: "crds.enabled", default: false },
      },
      // cainjector puts the webhook's CA in place after the pods report ready.
      webhook: { groups: ["cert-manager.io", "acme.cert-manager.io"], readyMeansServing: false },
      tolerations: [
        { pods: "controller", list: "tolerations" },
        { pods: "webhook", list: "webhook.tolerations" },
        { pods: "cainjector", list: "cainjector.tolerations" },
      ],
    },
  },
  /** Chart 1.21.1 ships external-dns app v0.21.0 (where `--pihole-api-version` still exists). */
  externalDns: {
    chart: "external-dns",
    version: "1.21.1",
    repo: "https://kubernetes-sigs.github.io/external-dns/",
    facts: {
      crds: { from: "crds/", groups: ["externaldns.k8s.io"] },
      tolerations: [{ pods: "external-dns", list: "tolerations" }],
    },
  },
} as const satisfies Record<string, { chart: string; version: string; repo: string; facts: ChartFacts }>;

export const images = {
  pihole: "docker.io/pihole/pihole:2026.07.2",
} as const;
