/**
 * The auth of a host, read from what its route carries: the Traefik middlewares it passes through
 * and its annotations. One table of kinds, each a function of the route, so a new kind of auth is
 * one line here. (Native OIDC, when apps get `withOidc`, is one more entry reading what that
 * builder puts in the plan.)
 */
import { valueAt } from "../../core/plan.ts";
import { PUBLIC_WITHOUT_AUTH } from "../../k8s/annotations.ts";
import type { KubernetesObject } from "../documents.ts";
import type { HostRoute } from "../routes.ts";

/** The Traefik Middleware objects of the plans, under both names a route may use for one. */
export type Middlewares = ReadonlyMap<string, KubernetesObject>;

export const middlewaresOf = (objects: readonly KubernetesObject[]): Middlewares =>
  new Map(
    objects
      .filter((object) => object.kind === "Middleware" && object.apiVersion.startsWith("traefik."))
      .flatMap((object) => {
        const { namespace = "default", name = "?" } = object.metadata;
        // An Ingress names it `<namespace>-<name>@kubernetescrd`, an IngressRoute `<namespace>/<name>`.
        return [
          [`${namespace}-${name}@kubernetescrd`, object],
          [`${namespace}/${name}`, object],
        ] as const;
      }),
  );

/** Whether a middleware of the route has `field` in its spec (Traefik v3 Middleware, traefik.io/v1alpha1). */
const passesThrough = (route: HostRoute, middlewares: Middlewares, field: string): boolean =>
  route.middlewareRefs.some((ref) => valueAt(middlewares.get(ref), `spec.${field}`) !== undefined);

type AuthKind = (route: HostRoute, middlewares: Middlewares) => string | undefined;

/** Every kind of auth a route can have, in the order they are shown. */
const AUTH_KINDS: readonly AuthKind[] = [
  // Traefik asks Tinyauth (the auth layer's forwardAuth middleware) before every request.
  (route, middlewares) => (passesThrough(route, middlewares, "forwardAuth") ? "forward auth" : undefined),
  (route, middlewares) => (passesThrough(route, middlewares, "ipAllowList") ? "LAN only" : undefined),
  // A public route deliberately left without auth carries its reason (withPublicIngress({ noAuth })).
  (route) => {
    const reason = route.annotations[PUBLIC_WITHOUT_AUTH];
    return reason === undefined ? undefined : `waived: ${reason}`;
  },
];

/** The auth of a route, one entry per kind it has; `no auth` when it has none. */
export const authOf = (route: HostRoute, middlewares: Middlewares): string[] => {
  const kinds = AUTH_KINDS.flatMap((kind) => kind(route, middlewares) ?? []);
  return kinds.length > 0 ? kinds : ["no auth"];
};
