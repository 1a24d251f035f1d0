/** How an app is reached: its ClusterIP Service, a shared LoadBalancer, and its Ingresses. */

import type { CoreObject } from "../core/plan.ts";
import { lanDnsHostname, PUBLIC_WITHOUT_AUTH, tinyauthAnnotation } from "../k8s/annotations.ts";
import { podDisruptionBudgetObject } from "../k8s/disruption.ts";
import { ingressObject } from "../k8s/ingress.ts";
import { EXPOSURE_LABEL, LOAD_BALANCER_LABEL } from "../k8s/labels.ts";
import { clusterIpService, loadBalancerService } from "../k8s/service.ts";
import {
  commonLabels,
  hostOf,
  names,
  type RenderContext,
  selectorLabels,
  sharedLabels,
} from "./renderNames.ts";
import type { AppSpec, Exposure } from "./spec.ts";

/** The port of every app's ClusterIP Service (named `http`, to the container's `http` port). */
export const APP_SERVICE_PORT = 80;

export const appService = (spec: AppSpec, context: RenderContext): CoreObject<"v1/Service"> =>
  clusterIpService(
    { name: names(spec).workload, namespace: names(spec).namespace, labels: commonLabels(spec, context) },
    selectorLabels(spec),
    [{ name: "http", port: APP_SERVICE_PORT }],
    // Readiness of its own governs the load balancer's traffic, not who may reach the pod.
    { publishNotReadyAddresses: spec.probes?.readyCommand !== undefined },
  );

/**
 * The load balancer's Service (with its LAN name, if any) and disruption budget: the same objects
 * from every app that declares it, so the plan holds them once.
 */
export const appLoadBalancer = (
  spec: AppSpec,
  context: RenderContext,
): CoreObject<"v1/Service" | "policy/v1/PodDisruptionBudget">[] => {
  const balancer = spec.loadBalancer;
  if (balancer === undefined) return [];
  const ports = (spec.ports ?? []).filter((port) => balancer.ports.includes(port.name));
  const metadata = {
    name: balancer.name,
    namespace: names(spec).namespace,
    labels: sharedLabels(spec, context),
  };
  const selector = { [LOAD_BALANCER_LABEL]: balancer.name };
  const lanName =
    balancer.lanSubdomain === undefined
      ? {}
      : lanDnsHostname(
          context.network.lanDnsAnnotationPrefix,
          `${balancer.lanSubdomain}.${context.network.domain}`,
        );
  return [
    loadBalancerService(
      { ...metadata, annotations: lanName },
      selector,
      ports.map((port) => ({ name: port.name, port: port.port, protocol: port.protocol })),
      { ip: balancer.ip, pool: balancer.pool, externalTrafficPolicy: balancer.externalTrafficPolicy },
    ),
    ...(balancer.minAvailable === undefined
      ? []
      : [podDisruptionBudgetObject(metadata, selector, balancer.minAvailable)]),
  ];
};

/**
 * Tinyauth v5.1.3's per-app rules as its Kubernetes label provider reads them
 * (tinyauthapp/tinyauth@v5.1.3): internal/service/kubernetes_service.go decodes the Ingress's
 * `tinyauth.apps.<name>.*` annotations (model.Apps, internal/model/config.go) and binds them to the
 * Ingress hosts equal to `config.domain`; for a Pocket ID login, internal/controller/proxy_controller.go
 * then applies `oauth.whitelist` (emails) and `oauth.groups` (OAuthGroupRule in
 * internal/service/access_controls_rules.go: the user's `groups` claim from userinfo, which needs
 * the `groups` scope, must hold one of the comma-separated names).
 */
const aclAnnotations = (spec: AppSpec, host: string): Record<string, string> => {
  const acl = spec.auth;
  if (acl === undefined) return {};
  const list = (field: string, values: readonly string[]) =>
    values.length > 0 ? { [tinyauthAnnotation(spec.name, field)]: values.join(",") } : {};
  return {
    [tinyauthAnnotation(spec.name, "config.domain")]: host,
    ...list("users.allow", acl.users),
    ...list("oauth.whitelist", acl.emails),
    ...list("oauth.groups", acl.groups),
  };
};

/** The middleware of a protected route; an app with `withAuth` can only render after the auth layer. */
const middlewareOf = (spec: AppSpec, isPublic: boolean, context: RenderContext): string | undefined => {
  if (spec.auth === undefined || context.auth === undefined) return undefined;
  return isPublic ? context.auth.publicAuthMiddleware : context.auth.privateAuthMiddleware;
};

/**
 * Public: Cloudflare gets a CNAME to the record holding the router's IP, not the LAN address in the
 * Ingress status. Private: Pi-hole publishes the private ingress IP from the status. A host served
 * on both classes gives its public route the private ingress IP as its LAN record, so the LAN
 * resolves it to exactly one ingress.
 */
export const appIngress = (
  spec: AppSpec,
  exposure: Exposure,
  context: RenderContext,
): CoreObject<"networking.k8s.io/v1/Ingress"> => {
  const { network } = context;
  const host = hostOf(exposure, network);
  const isPublic = exposure.kind === "public";
  const alsoPrivate = spec.exposures.some(
    (other) => other.kind === "private" && other.subdomain === exposure.subdomain,
  );
  const middleware = middlewareOf(spec, isPublic, context);
  return ingressObject({
    metadata: {
      name: names(spec).ingress(exposure),
      namespace: names(spec).namespace,
      labels: { ...commonLabels(spec, context), [EXPOSURE_LABEL]: exposure.kind },
      annotations: {
        ...aclAnnotations(spec, host),
        ...(isPublic && exposure.noAuth !== undefined ? { [PUBLIC_WITHOUT_AUTH]: exposure.noAuth } : {}),
      },
    },
    host,
    ingressClass: isPublic ? network.publicIngressClass : network.privateIngressClass,
    service: names(spec).workload,
    servicePort: "http",
    ...(middleware === undefined ? {} : { middleware }),
    ...(isPublic ? { publishTarget: network.externalHostname } : {}),
    ...(isPublic && alsoPrivate
      ? { lanDns: { annotationPrefix: network.lanDnsAnnotationPrefix, target: network.privateIngressIp } }
      : {}),
  });
};
