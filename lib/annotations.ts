/**
 * Annotation keys that connect the layers (and the render summary) through the objects they
 * render: one definition each, so a key can never drift between a producer and a reader.
 */

/** Traefik middlewares on a plain Ingress: `<namespace>-<name>@kubernetescrd`, comma-separated. */
export const TRAEFIK_MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares";

/** The fixed IP MetalLB gives a LoadBalancer Service. */
export const METALLB_IPS = "metallb.io/loadBalancerIPs";

/**
 * What the Cloudflare external-dns (app 0.21.0, default `external-dns.alpha.kubernetes.io/`
 * prefix) publishes a host as. The Pi-hole instances read their own prefix (network contract).
 */
export const EXTERNAL_DNS_TARGET = "external-dns.alpha.kubernetes.io/target";
export const CLOUDFLARE_PROXIED = "external-dns.alpha.kubernetes.io/cloudflare-proxied";

/**
 * The LAN record of a route, read only by the Pi-hole external-dns instances (their annotation
 * prefix is the network contract's `lanDnsAnnotationPrefix`). external-dns merges the targets of
 * every route of a host, so a host served on both classes gives its public route the private
 * ingress IP: on the LAN each host resolves to exactly one ingress.
 */
export const lanDnsTarget = (annotationPrefix: string, ip: string): Record<string, string> => ({
  [`${annotationPrefix}target`]: ip,
});

/**
 * The Kubernetes provider replaces a Job that is not complete (live) on the next deploy instead of
 * awaiting it again; it reads exactly "true" (pulumi-kubernetes provider/pkg/metadata/overrides.go).
 */
export const PULUMI_REPLACE_UNREADY = "pulumi.com/replaceUnready";

/** How long the provider awaits an object, in seconds, when no customTimeouts are set. */
export const PULUMI_TIMEOUT_SECONDS = "pulumi.com/timeoutSeconds";
