/**
 * The auth of a host, read from what its route carries (the Traefik middlewares it passes through,
 * its annotations) and from the OIDC clients the plans declare. One table of kinds, each a function
 * of the route and what the plans hold, so a new kind of auth is one line here.
 */
import { valueAt } from "../../core/plan.ts";
import { PUBLIC_WITHOUT_AUTH } from "../../k8s/annotations.ts";
import { callbackHost, declaredClients } from "../../oidc/reconcile.ts";
import type { KubernetesObject } from "../documents.ts";
import type { HostRoute } from "../routes.ts";

/** What the plans hold that a route's auth depends on. */
export interface AuthContext {
  /** The Traefik Middleware objects, under both names a route may use for one. */
  middlewares: ReadonlyMap<string, KubernetesObject>;
  /** The OIDC client ids whose callbacks are on each host (withOidc: the app logs users in itself). */
  oidcClients: ReadonlyMap<string, readonly string[]>;
}

const middlewaresOf = (objects: readonly KubernetesObject[]): AuthContext["middlewares"] =>
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

const oidcClientsOf = (objects: readonly KubernetesObject[]): AuthContext["oidcClients"] => {
  const byHost = new Map<string, string[]>();
  for (const client of objects.flatMap(declaredClients))
    for (const host of client.callbackUrls.map(callbackHost))
      if (host !== undefined) byHost.set(host, [...new Set([...(byHost.get(host) ?? []), client.id])]);
  return byHost;
};

export const authContextOf = (objects: readonly KubernetesObject[]): AuthContext => ({
  middlewares: middlewaresOf(objects),
  oidcClients: oidcClientsOf(objects),
});

/** Whether a middleware of the route has `field` in its spec (Traefik v3 Middleware, traefik.io/v1alpha1). */
const passesThrough = (route: HostRoute, { middlewares }: AuthContext, field: string): boolean =>
  route.middlewareRefs.some((ref) => valueAt(middlewares.get(ref), `spec.${field}`) !== undefined);

type AuthKind = (route: HostRoute, context: AuthContext) => string | undefined;

/** Every kind of auth a route can have, in the order they are shown. */
const AUTH_KINDS: readonly AuthKind[] = [
  // Traefik asks Tinyauth (the auth layer's forwardAuth middleware) before every request.
  (route, context) => (passesThrough(route, context, "forwardAuth") ? "forward auth" : undefined),
  // The app logs users in through Pocket ID itself (withOidc): its client's callback is on this host.
  (route, { oidcClients }) => {
    const ids = oidcClients.get(route.host);
    return ids === undefined ? undefined : `native OIDC (${ids.join(", ")})`;
  },
  (route, context) => (passesThrough(route, context, "ipAllowList") ? "LAN only" : undefined),
  // A public route deliberately left without auth carries its reason (withPublicIngress({ noAuth })).
  (route) => {
    const reason = route.annotations[PUBLIC_WITHOUT_AUTH];
    return reason === undefined ? undefined : `waived: ${reason}`;
  },
];

/** The auth of a route, one entry per kind it has; `no auth` when it has none. */
export const authOf = (route: HostRoute, context: AuthContext): string[] => {
  const kinds = AUTH_KINDS.flatMap((kind) => kind(route, context) ?? []);
  return kinds.length > 0 ? kinds : ["no auth"];
};
