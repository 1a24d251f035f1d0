/**
 * END-TO-END MODE: the one switch between a real deploy and `bun run e2e`, kept here and nowhere
 * else. It is on only when HOMELAB_E2E_CHARTS names a folder, which only harness/e2e.ts sets. Then:
 *
 * - every Helm release installs a local stand-in chart from that folder instead of the pinned
 *   chart (there is no internet to download it), holding only that chart's CRDs, placed where the
 *   real chart has them (`crds/` or templates), so `skipCrds` behaves as it would (the harness
 *   writes them: harness/engine/standInCharts.ts);
 * - workloads, and what only running pods make ready (Services' endpoints, Ingresses' status), are
 *   marked `pulumi.com/skipAwait` by one stack transform: the API server runs without a kubelet.
 *   The same transform drops `pulumi.com/replaceUnready` (the webhook gates' Jobs): a Job that no
 *   pod runs never completes, so every later preview would replace it.
 *
 * Everything else (claims binding, Secrets, custom resources, CRDs) is created and awaited as on
 * a real cluster. A real deploy never sets the variable; the render and the deploy say the mode.
 */
import { join } from "node:path";
import { PULUMI_REPLACE_UNREADY, PULUMI_SKIP_AWAIT } from "./k8s/annotations.ts";

export const E2E_CHARTS_ENV = "HOMELAB_E2E_CHARTS";

type Env = Readonly<Record<string, string | undefined>>;

/** The stand-in charts' folder when end-to-end mode is on, else undefined (a real deploy). */
export const e2eChartsDir = (env: Env): string | undefined => env[E2E_CHARTS_ENV] || undefined;

export const modeLine = (standInCharts: string | undefined): string =>
  standInCharts
    ? `Mode: END-TO-END TEST (${E2E_CHARTS_ENV}=${standInCharts}): stand-in charts holding only CRDs; workloads, Services and Ingresses not awaited`
    : "Mode: real deploy (pinned charts, everything awaited)";

/** A stand-in chart's folder name, one per pinned chart and version. */
export const standInChartName = (chart: { chart: string; version: string }): string =>
  `${chart.chart}-${chart.version}`;

/** Where a release's chart comes from: the pinned chart, or its stand-in in end-to-end mode. */
export const chartSource = (
  chart: { chart: string; version: string; repo: string },
  standInCharts: string | undefined,
): { chart: string; version?: string; repositoryOpts?: { repo: string } } =>
  standInCharts
    ? { chart: join(standInCharts, standInChartName(chart)) }
    : { chart: chart.chart, version: chart.version, repositoryOpts: { repo: chart.repo } };

/** Resource types whose readiness needs running pods: not awaited in end-to-end mode. */
export const NOT_AWAITED = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:core/v1:Pod",
  // Awaited until endpoints of ready pods exist (and a LoadBalancer IP from MetalLB's controller).
  "kubernetes:core/v1:Service",
  // Awaited until the ingress controller (Traefik, a workload) writes its status.
  "kubernetes:networking.k8s.io/v1:Ingress",
] as const;

type Props = Record<string, unknown>;

/**
 * A resource's inputs with the skipAwait annotation added, and replaceUnready dropped, when its
 * type needs pods; else undefined.
 */
export const withSkipAwait = (type: string, props: Props): Props | undefined => {
  if (!(NOT_AWAITED as readonly string[]).includes(type)) return undefined;
  const metadata = (props.metadata ?? {}) as { annotations?: Record<string, string> };
  const { [PULUMI_REPLACE_UNREADY]: _dropped, ...annotations } = metadata.annotations ?? {};
  return {
    ...props,
    metadata: { ...metadata, annotations: { ...annotations, [PULUMI_SKIP_AWAIT]: "true" } },
  };
};
