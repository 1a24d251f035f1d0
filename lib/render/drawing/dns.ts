/**
 * Which DNS answers for a host, and with what, read from the plans: Cloudflare through the
 * external-dns release whose provider is cloudflare (the kinds and classes it reads, its forced
 * target), Pi-hole through the split-horizon rule the preflight checks (lib/preflight/lanDns.ts).
 */
import type { NetworkContract } from "../../core/contracts.ts";
import { valueAt } from "../../core/plan.ts";
import { EXTERNAL_DNS_TARGET } from "../../k8s/annotations.ts";
import { lanDnsOf, lanRoutes } from "../../preflight/lanDns.ts";
import { modelDeploy } from "../../preflight/model.ts";
import type { RenderedLayer } from "../render.ts";
import type { HostRoute } from "../routes.ts";

export interface DnsAnswer {
  server: "Cloudflare" | "Pi-hole";
  answer: string;
}

/** external-dns sources (its `sources` values) and the kinds they read. */
const SOURCE_KINDS: Readonly<Record<string, string>> = {
  ingress: "Ingress",
  "traefik-proxy": "IngressRoute",
  service: "Service",
};

interface Publisher {
  kinds: readonly string[];
  classes: readonly string[];
  /** `--default-targets` when forced: every record it writes points there. */
  target?: string;
}

/** The Cloudflare external-dns of the plans, if public DNS is on. */
const cloudflarePublisher = (layers: readonly RenderedLayer[]): Publisher | undefined => {
  const release = layers
    .flatMap((layer) => layer.plan.releases)
    .find((candidate) => valueAt(candidate.values, "provider.name") === "cloudflare");
  if (release === undefined) return undefined;
  const args = (valueAt(release.values, "extraArgs") ?? []) as string[];
  const option = (name: string) =>
    args.filter((arg) => arg.startsWith(`--${name}=`)).map((arg) => arg.slice(name.length + 3));
  const sources = (valueAt(release.values, "sources") ?? []) as string[];
  const target = args.includes("--force-default-targets") ? option("default-targets")[0] : undefined;
  return {
    kinds: sources.flatMap((source) => SOURCE_KINDS[source] ?? []),
    classes: option("ingress-class"),
    ...(target === undefined ? {} : { target }),
  };
};

/** `CNAME name` or `A address`. */
const record = (target: string): string => (/^[\d.]+$/.test(target) ? `A ${target}` : `CNAME ${target}`);

/** For each host, what each DNS answers (Cloudflare first), from the routes serving it. */
export const dnsAnswers = (
  layers: readonly RenderedLayer[],
  routes: readonly HostRoute[],
  network: NetworkContract,
): Map<string, DnsAnswer[]> => {
  const answers = new Map<string, DnsAnswer[]>();
  const add = (host: string, answer: DnsAnswer) => {
    const known = answers.get(host) ?? [];
    if (!known.some((a) => a.server === answer.server && a.answer === answer.answer))
      answers.set(host, [...known, answer]);
  };
  const cloudflare = cloudflarePublisher(layers);
  const ingressIps = lanDnsOf(network).ingressIps;
  for (const route of routes) {
    if (!cloudflare?.kinds.includes(route.kind)) continue;
    if (cloudflare.classes.length > 0 && !cloudflare.classes.includes(route.ingressClass)) continue;
    const target =
      cloudflare.target ?? route.annotations[EXTERNAL_DNS_TARGET] ?? ingressIps[route.ingressClass] ?? "?";
    add(route.host, { server: "Cloudflare", answer: record(target) });
  }
  const deploy = modelDeploy(layers.map(({ layer, plan }) => ({ layer, plan })));
  for (const lan of deploy.objects.flatMap((step) => lanRoutes(step, lanDnsOf(network)))) {
    add(lan.host, { server: "Pi-hole", answer: record(lan.target ?? "?") });
  }
  return answers;
};
