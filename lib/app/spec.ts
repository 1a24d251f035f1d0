/**
 * An app as plain, immutable data. `app(name, {...})` starts one; the `with*` builders in
 * builders.ts and its siblings each return a new spec; `pipe` composes them. Nothing here touches Pulumi.
 */
import type { OidcSpec } from "./oidc.ts";

interface NfsVolume {
  readonly kind: "nfs";
  /** Volume name inside the pod; also names the PV and PVC. */
  readonly name: string;
  /** Absolute path of the export on the storage contract's NFS server... */
  readonly path?: string;
  /** ...or a folder under the stack's share (`nfs_share_path`); exactly one of the two. */
  readonly folder?: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
  /** Nominal capacity of the static PV (NFS ignores it; binding needs one). */
  readonly size: string;
}

interface LonghornVolume {
  readonly kind: "longhorn";
  readonly name: string;
  readonly mountPath: string;
  readonly size: string;
  /** Joins the storage contract's backup job group (it always joins the trim group). */
  readonly backup: boolean;
}

export type Volume = NfsVolume | LonghornVolume;

export interface Exposure {
  readonly kind: "private" | "public";
  /** The host is `<subdomain>.<domain>`; defaults to the app name. */
  readonly subdomain: string;
  /** Only for public exposures: why this route is deliberately left without auth. */
  readonly noAuth?: string;
}

interface AuthSpec {
  /** Tinyauth local users (`users.allow`). Pocket ID (OAuth) logins are not checked against this list. */
  readonly users: readonly string[];
  /** Pocket ID accounts by email (`oauth.whitelist`). */
  readonly emails: readonly string[];
  /** Pocket ID groups, any of which grants access (`oauth.groups`). */
  readonly groups: readonly string[];
}

/** What the CloudNativePG `<cluster>-app` secret holds, by the name an app asks for it. */
export const POSTGRES_FIELDS = {
  url: "uri",
  jdbcUrl: "jdbc-uri",
  host: "host",
  port: "port",
  user: "username",
  password: "password",
  database: "dbname",
} as const;
export type PostgresField = keyof typeof POSTGRES_FIELDS;

export interface PostgresSpec {
  /** Longhorn volume size of each instance. */
  readonly size: string;
  readonly instances: number;
  /** Database and owner name (CloudNativePG's default is `app`). */
  readonly database: string;
  readonly backup: boolean;
  /** Environment variable name for each connection detail the app wants. */
  readonly env: Readonly<Partial<Record<PostgresField, string>>>;
  /** A copy of the database from one of its backups, as a new cluster beside the live one. */
  readonly restore?: PostgresRestore;
}

interface PostgresRestore {
  /** A CloudNativePG Backup of this app's database: `<app>-db-<YYYYMMDDhhmmss>`. */
  readonly from: string;
  /** Whether the app uses the restored database (true) or still the live one (false). */
  readonly switch: boolean;
}

interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/** An env var whose value comes from the apps stack's `app_secrets.<app>.<key>` (a Pulumi secret). */
interface SecretEnvVar {
  readonly name: string;
  readonly key: string;
}

interface ConfigFile {
  /** Absolute path of the file inside the container. */
  readonly path: string;
  readonly content: string;
}

export interface Quantities {
  readonly cpu?: string;
  readonly memory?: string;
}

export interface Resources {
  readonly requests: Quantities;
  readonly limits: Quantities;
}

interface Probes {
  /** HTTP GET path on the app's port. Exactly one of path, command and tcpPort. */
  readonly path?: string;
  readonly command?: readonly string[];
  /** A named container port (`withPorts`) that must accept TCP connections. */
  readonly tcpPort?: string;
  /** Readiness alone runs this command; the app's own Service keeps the pod while it fails. */
  readonly readyCommand?: readonly string[];
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  /** How long (failureThreshold x periodSeconds) the startup probe allows for a first start. */
  readonly startupFailureThreshold: number;
}

interface Capabilities {
  readonly add: readonly string[];
  readonly reason: string;
}

/** A container port beside the app's HTTP port (`withPorts`). */
export interface ExtraPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: "TCP" | "UDP";
}

/** A scratch folder that lives as long as the pod (`withEmptyDir`). */
interface EmptyDir {
  readonly name: string;
  readonly mountPath: string;
  readonly sizeLimit: string;
}

/** Read access to kinds of objects in every namespace (`withClusterReadAccess`). */
export interface ClusterReadRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

/** A Service on a fixed LAN IP (`withLoadBalancer`): every app declaring the same one shares it. */
interface LoadBalancerSpec {
  readonly name: string;
  readonly ip: string;
  /** The MetalLB pool holding `ip`. */
  readonly pool: string;
  /** Container ports (by name, from `withPorts`) served on the same port numbers. */
  readonly ports: readonly string[];
  readonly externalTrafficPolicy: "Local" | "Cluster";
  /** A LAN DNS name for `ip` (`<lanSubdomain>.<domain>`), published by the Pi-holes' external-dns. */
  readonly lanSubdomain?: string;
  /** Pods behind the balancer that node drains must leave Ready (a PodDisruptionBudget). */
  readonly minAvailable?: number;
}

export interface AppSpec {
  readonly kind: "AppSpec";
  /** DNS-1123 label; also the namespace, the Deployment, the Service and the default subdomain. */
  readonly name: string;
  readonly image: string;
  /** The container's HTTP port; absent for workers (then no Service, and no ingress allowed). */
  readonly port?: number;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly replicas: number;
  /** Numeric uid and gid the container runs as (non-root unless `allowRunAsRoot`). */
  readonly user: number;
  readonly group: number;
  readonly env: readonly EnvVar[];
  readonly secretEnv: readonly SecretEnvVar[];
  readonly volumes: readonly Volume[];
  readonly exposures: readonly Exposure[];
  readonly auth?: AuthSpec;
  readonly oidc?: OidcSpec;
  readonly postgres?: PostgresSpec;
  readonly configFiles: readonly ConfigFile[];
  /** Overrides of DEFAULT_RESOURCES, field by field. */
  readonly resources?: Resources;
  readonly probes?: Probes;
  /** Why this image must run as root (the named opt-out of the non-root default). */
  readonly runAsRoot?: string;
  readonly capabilities?: Capabilities;
  /** Why the image needs privilege escalation (setuid, file capabilities): the named opt-out. */
  readonly privilegeEscalation?: string;
  /** The namespace, when it is not the app's name (apps may share one). */
  readonly namespace?: string;
  readonly ports?: readonly ExtraPort[];
  readonly emptyDirs?: readonly EmptyDir[];
  /** The root filesystem is read-only; `/tmp` is an emptyDir of this size. */
  readonly readOnlyRoot?: { readonly tmpSize: string };
  readonly clusterRead?: readonly ClusterReadRule[];
  readonly loadBalancer?: LoadBalancerSpec;
  /** Apps whose pods this app's pods prefer not to share a node with. */
  readonly apartFrom?: readonly string[];
  /** Builders applied twice where a second call would silently override the first. */
  readonly conflicts: readonly string[];
}

export type AppBuilder = (spec: AppSpec) => AppSpec;

/** The default requests and limits of every app container; `withResources` overrides per field. */
export const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "1", memory: "256Mi" },
};

/** The unprivileged uid/gid used when an app does not name one (distroless "nonroot"). */
const DEFAULT_USER = 65532;

export interface AppOptions {
  image: string;
  port?: number;
  command?: readonly string[];
  args?: readonly string[];
  replicas?: number;
  /** uid to run as (default 65532); the gid defaults to the same number. */
  user?: number;
  group?: number;
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

/**
 * Returns a frozen copy of `spec` with `changes` applied. Only what is new is walked: a spec is
 * frozen all the way down once made, so freezing it again stops at its top.
 */
export const update = (spec: AppSpec, changes: Partial<AppSpec>): AppSpec =>
  Object.freeze({ ...deepFreeze(spec), ...deepFreeze(changes) });

/**
 * Starts an app: its name (a DNS-1035 label that also names its namespace, Deployment, Service and
 * default subdomain), a pinned image and, unless it is a worker, its HTTP port. It runs as
 * `user`/`group` (default 65532); the `with*` builders add the rest.
 * @example
 * ```ts
 * app("whoami", { image: "traefik/whoami:v1.11.0", port: 8080, args: ["--port=8080"] })
 * ```
 */
export const app = (name: string, options: AppOptions): AppSpec =>
  deepFreeze({
    kind: "AppSpec",
    name,
    image: options.image,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.command === undefined ? {} : { command: [...options.command] }),
    ...(options.args === undefined ? {} : { args: [...options.args] }),
    replicas: options.replicas ?? 1,
    user: options.user ?? DEFAULT_USER,
    group: options.group ?? options.user ?? DEFAULT_USER,
    env: [],
    secretEnv: [],
    volumes: [],
    exposures: [],
    configFiles: [],
    conflicts: [],
  });

/**
 * Applies builders to a spec left to right; each returns a new frozen spec, the input is never changed.
 * @example
 * ```ts
 * pipe(
 *   app("demo", { image: "traefik/whoami:v1.11.0", port: 8080, args: ["--port=8080"] }),
 *   withNfsVolume({ name: "data", path: "/volume1/kubernetes/demo", mountPath: "/data" }),
 *   withPrivateIngress(),
 *   withAuth(),
 *   withProbes({ path: "/health" }),
 * )
 * ```
 */
export function pipe(spec: AppSpec, ...builders: AppBuilder[]): AppSpec {
  return builders.reduce((current, builder) => builder(current), spec);
}

/** The requests and limits a container gets: the defaults, overridden field by field. */
export const effectiveResources = (spec: AppSpec): Resources => ({
  requests: { ...DEFAULT_RESOURCES.requests, ...spec.resources?.requests },
  limits: { ...DEFAULT_RESOURCES.limits, ...spec.resources?.limits },
});

/** The namespace an app lives in: its own, unless `withNamespace` shares another. */
export const namespaceOf = (spec: AppSpec): string => spec.namespace ?? spec.name;

export const isAppSpec = (value: unknown): value is AppSpec =>
  typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "AppSpec";
