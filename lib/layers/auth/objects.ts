/**
 * The auth layer's own Traefik objects: the forwardAuth and LAN-only middlewares and the dashboard
 * routes (chart custom resources). Kubernetes core kinds come from the vocabulary (lib/k8s), and
 * Pocket ID and Tinyauth are apps (apps.ts).
 */

import type { IIngressRoute } from "@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute";
import type { IMiddleware } from "@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware";
import type { KubeObject } from "../../core/plan.ts";
import { lanDnsTarget } from "../../k8s/annotations.ts";
import { WEBSECURE } from "../../k8s/ingress.ts";
import { layerLabels } from "../../k8s/labels.ts";

/** A plan object (plain, with apiVersion, kind and name) that also has the API's precise shape. */
type Typed<T> = T & KubeObject;

const appLabels = (name: string): Record<string, string> => ({
  "app.kubernetes.io/name": name,
  ...layerLabels("auth"),
});

/** The headers Tinyauth sets on success (components.md section 10) that upstream apps may read. */
const AUTH_RESPONSE_HEADERS = ["Remote-User", "Remote-Email", "Remote-Name", "Remote-Groups"];

/** A Service's address inside the cluster: `http://<svc>.<ns>.svc.cluster.local:<port>`. */
export const clusterUrl = (service: string, namespace: string, port: number): string =>
  `http://${service}.${namespace}.svc.cluster.local:${port}`;

/** Tinyauth's Traefik endpoint for a Service: `<clusterUrl>/api/auth/traefik`. */
export const forwardAuthAddress = (service: string, namespace: string, port: number): string =>
  `${clusterUrl(service, namespace, port)}/api/auth/traefik`;

/** How a plain Ingress names a CRD middleware: `<namespace>-<name>@kubernetescrd`. */
export const middlewareReference = (namespace: string, name: string): string =>
  `${namespace}-${name}@kubernetescrd`;

/**
 * The forwardAuth middleware. `trustForwardHeader: false`: Traefik sends Tinyauth the
 * X-Forwarded-Host/Proto/Uri of the request it received itself instead of passing on whatever the
 * client claimed, so a client cannot make Tinyauth judge a different host or path than the one
 * being served. (Traefik warns unless the field is set explicitly; components.md section 2.)
 */
export const forwardAuthMiddleware = (
  name: string,
  namespace: string,
  address: string,
): Typed<IMiddleware> => ({
  apiVersion: "traefik.io/v1alpha1",
  kind: "Middleware",
  metadata: { name, namespace, labels: appLabels("tinyauth") },
  spec: {
    forwardAuth: {
      address,
      trustForwardHeader: false,
      authResponseHeaders: [...AUTH_RESPONSE_HEADERS],
    },
  },
});

/** Private address ranges: what a LAN-only route accepts as client IPs. */
const LAN_SOURCE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/**
 * Rejects clients outside the LAN. Used where a UI must be served by the internet-facing Traefik
 * (which keeps client IPs: externalTrafficPolicy Local) but must not be reachable from outside.
 */
export const lanOnlyMiddleware = (name: string, namespace: string): Typed<IMiddleware> => ({
  apiVersion: "traefik.io/v1alpha1",
  kind: "Middleware",
  metadata: { name, namespace, labels: appLabels("traefik-dashboard") },
  spec: { ipAllowList: { sourceRange: [...LAN_SOURCE_RANGES] } },
});

export interface DashboardRouteOptions {
  name: string;
  /** The Traefik instance's namespace: its `api@internal` is only reachable through its own routers. */
  namespace: string;
  host: string;
  /** Selects which Traefik instance serves the route (needs `providers.kubernetesCRD.ingressClass` on it). */
  ingressClass: string;
  /** Middlewares in the same namespace, in order (IngressRoutes may not reference other namespaces by default). */
  middlewares: readonly string[];
  /** The route's LAN DNS record: the annotation the Pi-hole external-dns reads, and the ingress IP. */
  lanDns: { annotationPrefix: string; target: string };
}

export const dashboardIngressRoute = (options: DashboardRouteOptions): Typed<IIngressRoute> => ({
  apiVersion: "traefik.io/v1alpha1",
  kind: "IngressRoute",
  metadata: {
    name: options.name,
    namespace: options.namespace,
    labels: appLabels("traefik-dashboard"),
    annotations: lanDnsTarget(options.lanDns.annotationPrefix, options.lanDns.target),
  },
  spec: {
    ingressClassName: options.ingressClass,
    entryPoints: [WEBSECURE],
    routes: [
      {
        kind: "Rule",
        match: `Host(\`${options.host}\`)`,
        middlewares: options.middlewares.map((name) => ({ name })),
        services: [{ kind: "TraefikService", name: "api@internal" }],
      },
    ],
    tls: {},
  },
});
