/**
 * Pure builders for the Kubernetes objects of the auth layer. Each returns plain data (typed with
 * the @pulumi/kubernetes input types, so the edge hands it over unchanged); no Pulumi runtime here.
 */

import type { IIngressRoute } from "@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute";
import type { IMiddleware } from "@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware";
import type * as k8s from "@pulumi/kubernetes";
import { EXTERNAL_DNS_TARGET, lanDnsTarget, TRAEFIK_MIDDLEWARES } from "../annotations.ts";
import type { KubeObject } from "../plan.ts";
import { recurringJobGroupLabels } from "../storage/recurringJobs.ts";
import { CONTROL_PLANE_TOLERATION, podSecurityLabels } from "../talos.ts";

/** A plan object (plain, with apiVersion, kind and name) that also has the API's precise shape. */
type Typed<T> = T & KubeObject;
type Namespace = Typed<k8s.types.input.core.v1.Namespace>;
type Pvc = Typed<k8s.types.input.core.v1.PersistentVolumeClaim>;
type Deployment = Typed<k8s.types.input.apps.v1.Deployment>;
type Service = Typed<k8s.types.input.core.v1.Service>;
type Ingress = Typed<k8s.types.input.networking.v1.Ingress>;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;

export const WEBSECURE = "websecure";

export const appLabels = (name: string): Record<string, string> => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "homelab-auth",
  "app.kubernetes.io/managed-by": "pulumi",
});

/**
 * A namespace for plain web apps. Talos enforces `baseline`; these pods meet `restricted`, so the
 * namespace enforces it and any regression is refused at admission (components.md section 0).
 */
export const restrictedNamespace = (name: string): Namespace => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name,
    labels: {
      ...appLabels(name),
      ...podSecurityLabels("restricted"),
    },
  },
});

export interface VolumeClaimSpec {
  name: string;
  namespace: string;
  app: string;
  storageClass: string;
  size: string;
  /** Longhorn recurring-job groups the volume joins (the storage contract's backup and trim groups). */
  jobGroups: readonly string[];
}

export const longhornVolumeClaim = (spec: VolumeClaimSpec): Pvc => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: {
    name: spec.name,
    namespace: spec.namespace,
    labels: {
      ...appLabels(spec.app),
      ...recurringJobGroupLabels(spec.jobGroups),
    },
  },
  spec: {
    accessModes: ["ReadWriteOnce"],
    storageClassName: spec.storageClass,
    resources: { requests: { storage: spec.size } },
  },
});

/** An env var read from a key of a Secret: the only way a secret reaches a pod. */
export const secretEnv = (name: string, secretName: string, key: string): EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secretName, key } },
});

export const plainEnv = (name: string, value: string): EnvVar => ({ name, value });

const httpProbe = (path: string, port: number, periodSeconds: number, failureThreshold: number): Probe => ({
  httpGet: { path, port },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 5,
});

export interface WebAppSpec {
  name: string;
  namespace: string;
  image: string;
  port: number;
  env: EnvVar[];
  /** Health endpoint answered over HTTP on `port`. */
  healthPath: string;
  dataClaim: string;
  dataPath: string;
  /** Non-root identity; the data volume is group-owned by `fsGroup`. */
  uid: number;
  resources: { cpu: string; memory: string; memoryLimit: string };
  /** A ServiceAccount whose token the pod needs (to read the Kubernetes API); none by default. */
  serviceAccount?: string;
}

/**
 * One replica with `Recreate`: the data volume is ReadWriteOnce and SQLite allows one writer, so
 * the old pod must stop before the new one mounts it.
 */
export const webAppDeployment = (spec: WebAppSpec): Deployment => {
  const labels = appLabels(spec.name);
  const selector = { "app.kubernetes.io/name": spec.name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    spec: {
      replicas: 1,
      strategy: { type: "Recreate" },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          enableServiceLinks: false,
          tolerations: [CONTROL_PLANE_TOLERATION],
          ...(spec.serviceAccount === undefined
            ? { automountServiceAccountToken: false }
            : { serviceAccountName: spec.serviceAccount, automountServiceAccountToken: true }),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: spec.uid,
            runAsGroup: spec.uid,
            fsGroup: spec.uid,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: spec.name,
              image: spec.image,
              ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }],
              env: spec.env,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              startupProbe: httpProbe(spec.healthPath, spec.port, 5, 30),
              readinessProbe: httpProbe(spec.healthPath, spec.port, 10, 3),
              livenessProbe: httpProbe(spec.healthPath, spec.port, 30, 3),
              resources: {
                requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
                limits: { memory: spec.resources.memoryLimit },
              },
              volumeMounts: [
                { name: "data", mountPath: spec.dataPath },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: spec.dataClaim } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
};

export const serviceAccount = (
  name: string,
  namespace: string,
): Typed<k8s.types.input.core.v1.ServiceAccount> => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace, labels: appLabels(name) },
});

/** Read-only access to Ingresses in every namespace: where Tinyauth finds per-app access rules. */
export const ingressReaderRole = (name: string): Typed<k8s.types.input.rbac.v1.ClusterRole> => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name, labels: appLabels(name) },
  rules: [{ apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["get", "list", "watch"] }],
});

export const clusterRoleBinding = (
  name: string,
  role: string,
  account: { name: string; namespace: string },
): Typed<k8s.types.input.rbac.v1.ClusterRoleBinding> => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name, labels: appLabels(name) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: [{ kind: "ServiceAccount", name: account.name, namespace: account.namespace }],
});

export const clusterService = (name: string, namespace: string, port: number): Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace, labels: appLabels(name) },
  spec: {
    type: "ClusterIP",
    selector: { "app.kubernetes.io/name": name },
    ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }],
  },
});

export interface IngressSpec {
  name: string;
  /** Must be the namespace of the Service it routes to. */
  namespace: string;
  host: string;
  ingressClass: string;
  service: string;
  servicePort: number;
  /** `<namespace>-<name>@kubernetescrd` of the auth middleware; undefined for the login services themselves. */
  middleware?: string;
  /** For public ingresses: the Cloudflare record the host is published against. */
  publishTarget?: string;
  /** The LAN record, when it must not be this class's ingress IP (see `lanDnsTarget`). */
  lanDns?: { annotationPrefix: string; target: string };
}

/** An HTTPS-only Ingress; TLS uses Traefik's default certificate (the network layer's wildcard). */
export const httpsIngress = (spec: IngressSpec): Ingress => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: {
    name: spec.name,
    namespace: spec.namespace,
    labels: { "app.kubernetes.io/part-of": "homelab-auth", "app.kubernetes.io/managed-by": "pulumi" },
    annotations: {
      "traefik.ingress.kubernetes.io/router.entrypoints": WEBSECURE,
      "traefik.ingress.kubernetes.io/router.tls": "true",
      ...(spec.middleware === undefined ? {} : { [TRAEFIK_MIDDLEWARES]: spec.middleware }),
      ...(spec.publishTarget === undefined ? {} : { [EXTERNAL_DNS_TARGET]: spec.publishTarget }),
      ...(spec.lanDns === undefined ? {} : lanDnsTarget(spec.lanDns.annotationPrefix, spec.lanDns.target)),
    },
  },
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
              backend: { service: { name: spec.service, port: { number: spec.servicePort } } },
            },
          ],
        },
      },
    ],
  },
});

/** The headers Tinyauth sets on success (components.md section 10) that upstream apps may read. */
export const AUTH_RESPONSE_HEADERS = ["Remote-User", "Remote-Email", "Remote-Name", "Remote-Groups"];

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
export const LAN_SOURCE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

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

export interface DashboardRouteSpec {
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

export const dashboardIngressRoute = (spec: DashboardRouteSpec): Typed<IIngressRoute> => ({
  apiVersion: "traefik.io/v1alpha1",
  kind: "IngressRoute",
  metadata: {
    name: spec.name,
    namespace: spec.namespace,
    labels: appLabels("traefik-dashboard"),
    annotations: lanDnsTarget(spec.lanDns.annotationPrefix, spec.lanDns.target),
  },
  spec: {
    ingressClassName: spec.ingressClass,
    entryPoints: [WEBSECURE],
    routes: [
      {
        kind: "Rule",
        match: `Host(\`${spec.host}\`)`,
        middlewares: spec.middlewares.map((name) => ({ name })),
        services: [{ kind: "TraefikService", name: "api@internal" }],
      },
    ],
    tls: {},
  },
});
