/**
 * The HTTPS Ingress every layer routes through: Traefik's websecure entrypoint, TLS from Traefik's
 * default certificate (the network layer's wildcard, so no secretName), one host, one Service.
 */

import type { CoreObject, ObjectMeta } from "../core/plan.ts";
import {
  CLOUDFLARE_PROXIED,
  EXTERNAL_DNS_TARGET,
  lanDnsTarget,
  TRAEFIK_ENTRYPOINTS,
  TRAEFIK_MIDDLEWARES,
  TRAEFIK_TLS,
} from "./annotations.ts";

export const WEBSECURE = "websecure";

export interface IngressObjectOptions {
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

const routeAnnotations = (options: IngressObjectOptions): Record<string, string> => ({
  [TRAEFIK_ENTRYPOINTS]: WEBSECURE,
  [TRAEFIK_TLS]: "true",
  ...(options.middleware === undefined ? {} : { [TRAEFIK_MIDDLEWARES]: options.middleware }),
  ...(options.publishTarget === undefined
    ? {}
    : { [EXTERNAL_DNS_TARGET]: options.publishTarget, [CLOUDFLARE_PROXIED]: "false" }),
  ...(options.lanDns === undefined
    ? {}
    : lanDnsTarget(options.lanDns.annotationPrefix, options.lanDns.target)),
});

export const ingressObject = (options: IngressObjectOptions): CoreObject<"networking.k8s.io/v1/Ingress"> => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: {
    ...options.metadata,
    annotations: { ...options.metadata.annotations, ...routeAnnotations(options) },
  },
  spec: {
    ingressClassName: options.ingressClass,
    tls: [{ hosts: [options.host] }],
    rules: [
      {
        host: options.host,
        http: {
          paths: [
            {
              path: "/",
              pathType: "Prefix",
              backend: {
                service: {
                  name: options.service,
                  port:
                    typeof options.servicePort === "number"
                      ? { number: options.servicePort }
                      : { name: options.servicePort },
                },
              },
            },
          ],
        },
      },
    ],
  },
});
