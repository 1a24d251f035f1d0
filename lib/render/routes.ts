/**
 * The hosts the rendered objects serve: one route per host of an Ingress rule or an IngressRoute
 * `Host(...)` match, with its ingress class, middlewares and annotations. Read by the render summary
 * and the drawing, so both tell the same story.
 */
import { INGRESS_CLASS, TRAEFIK_MIDDLEWARES } from "../k8s/annotations.ts";
import type { KubernetesObject } from "./documents.ts";

export interface HostRoute {
  host: string;
  /** The kind of the object serving it: Ingress or IngressRoute. */
  kind: string;
  ingressClass: string;
  /** As written: the Ingress annotation's value, or the IngressRoute's middleware names. */
  middlewares: string;
  /**
   * Each middleware as Traefik resolves it: `<namespace>-<name>@kubernetescrd` from an Ingress,
   * `<namespace>/<name>` from an IngressRoute (its own namespace unless the reference names one).
   */
  middlewareRefs: string[];
  /** `namespace/name` of the object serving it. */
  owner: string;
  annotations: Readonly<Record<string, string>>;
}

type IngressRouteSpec = {
  ingressClassName?: string;
  routes?: { match?: string; middlewares?: { name: string; namespace?: string }[] }[];
};

export const hostRoutes = (object: KubernetesObject): HostRoute[] => {
  const namespace = object.metadata.namespace ?? "default";
  const annotations = object.metadata.annotations ?? {};
  const owner = `${namespace}/${object.metadata.name ?? "?"}`;
  if (object.kind === "Ingress") {
    const spec = object.spec as { ingressClassName?: string; rules?: { host?: string }[] } | undefined;
    const middlewares = annotations[TRAEFIK_MIDDLEWARES] ?? "";
    return (spec?.rules ?? []).map((rule) => ({
      host: rule.host ?? "*",
      kind: object.kind,
      ingressClass: spec?.ingressClassName ?? "(default)",
      middlewares,
      middlewareRefs: middlewares.split(",").filter((ref) => ref !== ""),
      owner,
      annotations,
    }));
  }
  if (object.kind === "IngressRoute") {
    const spec = object.spec as IngressRouteSpec | undefined;
    return (spec?.routes ?? []).flatMap((route) =>
      [...(route.match ?? "").matchAll(/Host\(`([^`]+)`\)/g)].map((match) => ({
        host: match[1] ?? "?",
        kind: object.kind,
        ingressClass: spec?.ingressClassName ?? annotations[INGRESS_CLASS] ?? "(default)",
        middlewares: (route.middlewares ?? []).map((m) => m.name).join(","),
        middlewareRefs: (route.middlewares ?? []).map((m) => `${m.namespace ?? namespace}/${m.name}`),
        owner,
        annotations,
      })),
    );
  }
  return [];
};
