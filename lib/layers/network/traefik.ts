/**
 * Two Traefik instances, one per exposure: `traefik-public` (internet, via the router's port
 * forward) and `traefik-private` (LAN only). Each runs in its own namespace and serves only its own
 * IngressClass (plain Ingresses and Traefik CRDs alike). The LoadBalancer Service and the
 * IngressClass are created here, not by the chart, so the fixed IP and the class are visible and
 * checked in the render. One TLSStore `default` makes the wildcard certificate both instances'
 * default certificate.
 */

import { type PlannedRelease, plannedRelease, releaseId } from "../../core/plan.ts";
import { DEFAULT_INGRESS_CLASS } from "../../k8s/annotations.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { loadBalancerService } from "../../k8s/service.ts";
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";
import type { NetworkConfig } from "./config.ts";
import { poolId } from "./metallb.ts";
import { ingressClasses, metallbPools, namespaces, wildcard } from "./names.ts";
import { type CoreObject, type CustomObject, namespace, type Plan, planned } from "./plan.ts";
import { charts } from "./versions.ts";

type TraefikExposure = "public" | "private";

export interface TraefikInstance {
  exposure: TraefikExposure;
  /** Namespace, Helm release and Service name. */
  name: string;
  namespace: string;
  ingressClass: string;
  ip: string;
  pool: string;
  /** `Local` keeps the client's source IP (no SNAT); traffic only reaches nodes running Traefik. */
  externalTrafficPolicy: "Local" | "Cluster";
  /** Ingresses without a class get this one: the LAN-only class, so nothing is public by accident. */
  isDefaultClass: boolean;
}

export const traefikInstances = (config: NetworkConfig): TraefikInstance[] => [
  {
    exposure: "public",
    name: "traefik-public",
    namespace: namespaces.traefikPublic,
    ingressClass: ingressClasses.public,
    ip: config.publicIngressIp,
    pool: metallbPools.publicIngress,
    externalTrafficPolicy: "Local",
    isDefaultClass: false,
  },
  {
    exposure: "private",
    name: "traefik-private",
    namespace: namespaces.traefikPrivate,
    ingressClass: ingressClasses.private,
    ip: config.privateIngressIp,
    pool: metallbPools.privateIngress,
    externalTrafficPolicy: "Cluster",
    isDefaultClass: true,
  },
];

const traefikReleaseId = (instance: Pick<TraefikInstance, "namespace" | "name">): string =>
  releaseId(instance.namespace, instance.name);

/** The public release installs Traefik's CRDs; the private one skips them (one owner per CRD). */
const TRAEFIK_CRDS_RELEASE = releaseId(namespaces.traefikPublic, "traefik-public");

/** Pod labels the chart sets (`traefik.labelselector`): name, and instance `<release>-<namespace>`. */
const traefikSelector = (instance: TraefikInstance): Record<string, string> => ({
  "app.kubernetes.io/name": "traefik",
  "app.kubernetes.io/instance": `${instance.name}-${instance.namespace}`,
});

export const traefikValues = (instance: TraefikInstance): Record<string, unknown> => ({
  deployment: { replicas: 1 },
  // Created by this layer (traefikIngressClass), so its name is the contract's.
  ingressClass: { enabled: false },
  // Created by this layer (traefikService) with the MetalLB fixed-IP annotation.
  service: { enabled: false },
  providers: {
    kubernetesIngress: {
      // Both instances share the controller string traefik.io/ingress-controller: without this
      // each would serve every Traefik IngressClass.
      ingressClass: instance.ingressClass,
      // Copies the LoadBalancer IP into Ingress status; external-dns (Pi-hole) publishes it.
      publishedService: { enabled: true, pathOverride: `${instance.namespace}/${instance.name}` },
    },
    kubernetesCRD: {
      // IngressRoutes must name their class (spec.ingressClassName or the
      // kubernetes.io/ingress.class annotation); unclassed ones are served by neither instance.
      ingressClass: instance.ingressClass,
      // IngressRoutes reference only Middlewares/Services of their own namespace (chart default,
      // explicit); plain Ingresses may still name `<namespace>-<name>@kubernetescrd` middlewares.
      allowCrossNamespace: false,
      // Only the TLSStore/TLSOption named `default` in this namespace count (Traefik v3.7.11+);
      // two `default` stores in different namespaces would cancel each other out.
      defaultTLSResourcesNamespace: wildcard.namespace,
    },
  },
  ports: {
    web: {
      http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } },
    },
    websecure: { http: { tls: { enabled: true } } },
  },
  // The dashboard stays internal (entrypoint `traefik` is not exposed); the auth layer routes to it.
  api: { dashboard: true },
  ingressRoute: { dashboard: { enabled: false } },
  tlsStore: {},
  tolerations: [CONTROL_PLANE_TOLERATION],
});

const traefikRelease = (instance: TraefikInstance): PlannedRelease => {
  const installsCrds = traefikReleaseId(instance) === TRAEFIK_CRDS_RELEASE;
  return plannedRelease(
    {
      name: instance.name,
      namespace: instance.namespace,
      chart: charts.traefik,
      values: traefikValues(instance),
      skipCrds: !installsCrds,
    },
    [namespaceId(instance.namespace), ...(installsCrds ? [] : [TRAEFIK_CRDS_RELEASE])],
  );
};

const traefikService = (instance: TraefikInstance): CoreObject<"v1/Service"> =>
  loadBalancerService(
    { name: instance.name, namespace: instance.namespace, labels: traefikSelector(instance) },
    traefikSelector(instance),
    [
      { name: "web", port: 80 },
      { name: "websecure", port: 443 },
    ],
    { ip: instance.ip, pool: instance.pool, externalTrafficPolicy: instance.externalTrafficPolicy },
  );

const traefikIngressClass = (instance: TraefikInstance): CoreObject<"networking.k8s.io/v1/IngressClass"> => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "IngressClass",
  metadata: {
    name: instance.ingressClass,
    annotations: { [DEFAULT_INGRESS_CLASS]: String(instance.isDefaultClass) },
  },
  spec: { controller: "traefik.io/ingress-controller" },
});

/**
 * The one default TLSStore. Both instances watch every namespace and may read Secrets cluster-wide
 * (chart RBAC), so a single store next to the certificate's Secret serves both.
 */
const defaultTlsStore = (): CustomObject => ({
  apiVersion: "traefik.io/v1alpha1",
  kind: "TLSStore",
  metadata: { name: "default", namespace: wildcard.namespace },
  spec: { defaultCertificate: { secretName: wildcard.secret } },
});

export const traefikPlan = (config: NetworkConfig): Partial<Plan> => {
  const instances = traefikInstances(config);
  return {
    releases: instances.map(traefikRelease),
    objects: [
      ...instances.map((instance) => namespace(instance.namespace)),
      ...instances.flatMap((instance) => [
        planned(traefikIngressClass(instance), []),
        // Without its pool MetalLB cannot hand out the fixed IP.
        planned(traefikService(instance), [traefikReleaseId(instance), poolId(instance.pool)]),
      ]),
      planned(defaultTlsStore(), [TRAEFIK_CRDS_RELEASE]),
    ],
  };
};
