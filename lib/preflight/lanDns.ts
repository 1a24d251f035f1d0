/**
 * Split horizon: on the LAN every host resolves to exactly one ingress IP. The Pi-hole external-dns
 * publishes each route's LAN target (its own target annotation, else the ingress IP of the route's
 * class) and merges the targets of every route of a host, so two routes of one host with different
 * targets give that host two addresses, and half the LAN's requests reach the wrong Traefik.
 */

import type { NetworkContract } from "../core/contracts.ts";
import { valueAt } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { METALLB_IPS } from "../k8s/annotations.ts";
import { type Deploy, type ObjectStep, placeOf } from "./model.ts";

export interface LanDns {
  /** The annotation prefix the Pi-hole external-dns instances read. */
  annotationPrefix: string;
  /** The ingress IP of each ingress class. */
  ingressIps: Readonly<Record<string, string>>;
}

/** What the network contract says about LAN DNS. */
export const lanDnsOf = (network: NetworkContract): LanDns => ({
  annotationPrefix: network.lanDnsAnnotationPrefix,
  ingressIps: {
    [network.publicIngressClass]: network.publicIngressIp,
    [network.privateIngressClass]: network.privateIngressIp,
  },
});

export interface LanRoute {
  step: ObjectStep;
  host: string;
  target: string | undefined;
}

/** The LAN records an object gives (its hosts and the address Pi-hole answers for each); the drawing shows them. */
export const lanRoutes = (step: ObjectStep, lan: LanDns): LanRoute[] => {
  const object = step.object;
  const override = object.metadata.annotations?.[`${lan.annotationPrefix}target`];
  if (object.kind === "Ingress") {
    const className = valueAt(object, "spec.ingressClassName") as string | undefined;
    const rules = (valueAt(object, "spec.rules") ?? []) as { host?: string }[];
    const target = override ?? (className === undefined ? undefined : lan.ingressIps[className]);
    return rules.flatMap((rule) => (rule.host ? [{ step, host: rule.host, target }] : []));
  }
  // A LoadBalancer Service's LAN name resolves to its fixed IP (the DNS server's own name).
  const hostname = object.metadata.annotations?.[`${lan.annotationPrefix}hostname`];
  if (object.kind === "Service" && hostname !== undefined)
    return [{ step, host: hostname, target: object.metadata.annotations?.[METALLB_IPS] }];
  // IngressRoutes have no status: only their target annotation gives them a record.
  if (object.kind === "IngressRoute" && override !== undefined) {
    const matches = (valueAt(object, "spec.routes") ?? []) as { match?: string }[];
    return matches.flatMap((route) =>
      [...(route.match ?? "").matchAll(/Host\(`([^`]+)`\)/g)].map((found) => ({
        step,
        host: found[1] ?? "",
        target: override,
      })),
    );
  }
  return [];
};

export const lanDnsRules = (deploy: Deploy, lan: LanDns): Problem[] => {
  const byHost = new Map<string, LanRoute[]>();
  for (const route of deploy.objects.flatMap((step) => lanRoutes(step, lan))) {
    byHost.set(route.host, [...(byHost.get(route.host) ?? []), route]);
  }
  return [...byHost].flatMap(([host, found]) => {
    const targets = [...new Set(found.map((route) => route.target ?? "?"))];
    const last = found[found.length - 1];
    if (targets.length < 2 || !last) return [];
    return [
      {
        where: placeOf(last.step),
        what: `${host} resolves on the LAN to ${targets.join(" and ")} (${found.map((route) => route.step.item.id).join(", ")})`,
        fix: `give the public route of a host that is also private the annotation ${lan.annotationPrefix}target: <private ingress IP> (lanDnsTarget in lib/k8s/annotations.ts)`,
      },
    ];
  });
};
