/**
 * The HTTPS Ingress every layer routes through: Traefik's websecure entrypoint, TLS from Traefik's
 * default certificate (the network layer's wildcard, so no secretName), one host, one Service.
 */

import type { KubeObject, ObjectMeta } from "../core/plan.ts";
import {
  CLOUDFLARE_PROXIED,
  EXTERNAL_DNS_TARGET,
  lanDnsTarget,
  TRAEFIK_ENTRYPOINTS,
  TRAEFIK_MIDDLEWARES,
  TRAEFIK_TLS,
} from "./annotations.ts";

export const WEBSECURE = "websecure";

export interface IngressSpec {
  /** Must be in the namespace of the Service it routes to. */
  metadata: ObjectMeta;
  host: string;
  ingressClass: string;
  service: string;
  /** The Service port, by name or number. */
  servicePort: string | number;
  /** `<namespace>-<name>@kubernetescrd` of the auth middleware, if the route requires a login. */
  middleware?: string;
  /** Public routes: the Cloudflare record the host is published against (a CNAME, not proxied). */
  publishTarget?: string;
  /** The LAN record, when it must not be this class's ingress IP (see `lanDnsTarget`). */
  lanDns?: { annotationPrefix: string; target: string };
}

const routeAnnotations = (spec: IngressSpec): Record<string, string> => ({
  [TRAEFIK_ENTRYPOINTS]: WEBSECURE,
  [TRAEFIK_TLS]: "true",
  ...(spec.middleware === undefined ? {} : { [TRAEFIK_MIDDLEWARES]: spec.middleware }),
  ...(spec.publishTarget === undefined
    ? {}
    : { [EXTERNAL_DNS_TARGET]: spec.publishTarget, [CLOUDFLARE_PROXIED]: "false" }),
  ...(spec.lanDns === undefined ? {} : lanDnsTarget(spec.lanDns.annotationPrefix, spec.lanDns.target)),
});

export const ingressObject = (spec: IngressSpec): KubeObject => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { ...spec.metadata, annotations: { ...spec.metadata.annotations, ...routeAnnotations(spec) } },
  spec: {
    ingressClassName: spec.ingressClass,
    tls: [{ hosts: [spec.host] }],
    rules: [
      {
        host: spec.host,
        http: {
          paths: [
            {
              path: "/",
              pathType: "Prefix",
              backend: {
                service: {
                  name: spec.service,
                  port:
                    typeof spec.servicePort === "number"
                      ? { number: spec.servicePort }
                      : { name: spec.servicePort },
                },
              },
            },
          ],
        },
      },
    ],
  },
});
