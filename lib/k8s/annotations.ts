/**
 * Every annotation key the platform writes or reads (layers, preflight, the render summary): one
 * definition each, so a key can never drift between a producer and a reader. Label keys live in
 * lib/k8s/labels.ts.
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

/** The provider does not wait for the object to become ready (a release's skipAwait; the preflight reads it). */
export const PULUMI_SKIP_AWAIT = "pulumi.com/skipAwait";

/** Traefik's router on a plain Ingress: the entrypoint it listens on, and TLS on it. */
export const TRAEFIK_ENTRYPOINTS = "traefik.ingress.kubernetes.io/router.entrypoints";
export const TRAEFIK_TLS = "traefik.ingress.kubernetes.io/router.tls";

/** The pool MetalLB takes a LoadBalancer Service's fixed IP from. */
export const METALLB_POOL = "metallb.io/address-pool";

/**
 * The annotation prefix only the Pi-hole external-dns instances read (the network contract's
 * `lanDnsAnnotationPrefix`): LAN records, apart from the Cloudflare instance's public ones.
 */
export const PIHOLE_ANNOTATION_PREFIX = "pihole.external-dns.alpha.kubernetes.io/";

/** The LAN name of a Service (a shared load balancer), read by the Pi-hole external-dns instances. */
export const lanDnsHostname = (annotationPrefix: string, host: string): Record<string, string> => ({
  [`${annotationPrefix}hostname`]: host,
});

/** Tinyauth v5 reads per-app ACLs from Ingress annotations `tinyauth.apps.<app>.<section>.<key>`. */
export const tinyauthAnnotation = (app: string, field: string): string => `tinyauth.apps.${app}.${field}`;

/** The class an Ingress or StorageClass without one gets: exactly "true" on the default. */
export const DEFAULT_INGRESS_CLASS = "ingressclass.kubernetes.io/is-default-class";
export const DEFAULT_STORAGE_CLASS = "storageclass.kubernetes.io/is-default-class";

/** The ingress class as an annotation: how an IngressRoute may name its class instead of the spec. */
export const INGRESS_CLASS = "kubernetes.io/ingress.class";

/** On a webhook gate's Job: the API groups whose webhook it proves serving, comma-separated. */
export const WEBHOOK_GATE_ANNOTATION = "homelab/webhook-gate";

/** On a webhook gate's pod: the gate's name (a label, so `kubectl logs -l` finds it). */
export const WEBHOOK_GATE_LABEL = "homelab/webhook-gate";

/** On an app's pods: a checksum of its config files, so a changed file rolls the pods. */
export const CONFIG_CHECKSUM = "homelab/config-checksum";

/** On a public Ingress without auth: why it is public without a login (the app's stated reason). */
export const PUBLIC_WITHOUT_AUTH = "homelab/public-without-auth";

/** On the ConfigMap of an OIDC client step: the data key holding the declared clients (lib/oidc). */
export const OIDC_CLIENTS_ANNOTATION = "homelab/oidc-clients";
