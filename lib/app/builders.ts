/**
 * The pure builders an app file composes: each takes options and returns `(spec) => spec`.
 * They record what was asked, never check it: `validateApp` reports every problem at once.
 */
import { type AppBuilder, type AppSpec, type PostgresField, type Quantities, update } from "./spec.ts";

/** A builder that may only be applied once; a second call is recorded as a conflict, not a silent override. */
export const once =
  (builder: string, field: keyof AppSpec, apply: AppBuilder): AppBuilder =>
  (spec) =>
    spec[field] === undefined
      ? apply(spec)
      : update(apply(spec), { conflicts: [...spec.conflicts, `${builder} is applied more than once`] });

export interface NfsVolumeOptions {
  /** Volume name (DNS-1123 label); the PV and PVC are named `<app>-<name>`. */
  name: string;
  /** Absolute path of the export on the NAS (the storage contract's nfsServer). */
  path: string;
  mountPath: string;
  readOnly?: boolean;
  /** Nominal size of the static PV (default 1Gi; NFS does not enforce it). */
  size?: string;
}

/** Mounts an existing NFS export through a static PV and PVC bound to each other (Retain). */
export const withNfsVolume =
  (options: NfsVolumeOptions): AppBuilder =>
  (spec) =>
    update(spec, {
      volumes: [
        ...spec.volumes,
        {
          kind: "nfs",
          name: options.name,
          path: options.path,
          mountPath: options.mountPath,
          readOnly: options.readOnly ?? false,
          size: options.size ?? "1Gi",
        },
      ],
    });

export interface LonghornVolumeOptions {
  name: string;
  mountPath: string;
  size: string;
  /** Back the volume up to the NAS with the storage layer's backup jobs (default true). */
  backup?: boolean;
}

/** A replicated Longhorn volume (ReadWriteOnce; the Deployment then uses the Recreate strategy). */
export const withLonghornVolume =
  (options: LonghornVolumeOptions): AppBuilder =>
  (spec) =>
    update(spec, {
      volumes: [
        ...spec.volumes,
        {
          kind: "longhorn",
          name: options.name,
          mountPath: options.mountPath,
          size: options.size,
          backup: options.backup ?? true,
        },
      ],
    });

export interface IngressOptions {
  /** The host is `<subdomain>.<domain>` (default: the app name). */
  subdomain?: string;
}

/** Serves the app on the private (LAN-only) ingress; Pi-hole publishes the name. */
export const withPrivateIngress =
  (options: IngressOptions = {}): AppBuilder =>
  (spec) =>
    update(spec, {
      exposures: [...spec.exposures, { kind: "private", subdomain: options.subdomain ?? spec.name }],
    });

export interface PublicIngressOptions extends IngressOptions {
  /** Serve without auth, and say why. Without it a public ingress requires `withAuth`. */
  noAuth?: string;
}

/** Serves the app on the public ingress; Cloudflare publishes the name as a CNAME to the router's record. */
export const withPublicIngress =
  (options: PublicIngressOptions = {}): AppBuilder =>
  (spec) =>
    update(spec, {
      exposures: [
        ...spec.exposures,
        {
          kind: "public",
          subdomain: options.subdomain ?? spec.name,
          ...(options.noAuth === undefined ? {} : { noAuth: options.noAuth }),
        },
      ],
    });

export interface AuthOptions {
  /** Tinyauth local usernames. Does not restrict Pocket ID logins: use emails or groups for those. */
  users?: readonly string[];
  /** Pocket ID accounts (by email) allowed in. */
  emails?: readonly string[];
  /** Pocket ID groups allowed in (any one of them). */
  groups?: readonly string[];
}

/** Puts every ingress of the app behind Tinyauth (Pocket ID login), optionally only for some users or groups. */
export const withAuth = (options: AuthOptions = {}): AppBuilder =>
  once("withAuth", "auth", (spec) =>
    update(spec, {
      auth: {
        users: [...(options.users ?? [])],
        emails: [...(options.emails ?? [])],
        groups: [...(options.groups ?? [])],
      },
    }),
  );

export interface PostgresOptions {
  /** Longhorn volume size per instance (default 5Gi). */
  size?: string;
  instances?: number;
  /** Database and owner name (default `app`). */
  database?: string;
  /** Back the database volumes up with the storage layer's backup jobs (default true). */
  backup?: boolean;
  /** Which env var receives which connection detail; default `{ url: "DATABASE_URL" }`. */
  env?: Partial<Record<PostgresField, string>>;
}

/**
 * A CloudNativePG cluster for the app. Connection details come from the operator's
 * `<app>-db-app` secret by secretKeyRef; `url` is the operator's percent-encoded `uri`.
 */
export const withPostgres = (options: PostgresOptions = {}): AppBuilder =>
  once("withPostgres", "postgres", (spec) =>
    update(spec, {
      postgres: {
        size: options.size ?? "5Gi",
        instances: options.instances ?? 1,
        database: options.database ?? "app",
        backup: options.backup ?? true,
        env: { ...(options.env ?? { url: "DATABASE_URL" }) },
      },
    }),
  );

/** Plain environment variables (never secrets: see withSecretEnv). */
export const withEnv =
  (variables: Readonly<Record<string, string>>): AppBuilder =>
  (spec) =>
    update(spec, {
      env: [...spec.env, ...Object.entries(variables).map(([name, value]) => ({ name, value }))],
    });

/**
 * Secret environment variables: `{ ENV_NAME: "config_key" }` takes the value of
 * `app_secrets.<app>.<config_key>` from the apps stack config (set with `--secret`).
 */
export const withSecretEnv =
  (variables: Readonly<Record<string, string>>): AppBuilder =>
  (spec) =>
    update(spec, {
      secretEnv: [...spec.secretEnv, ...Object.entries(variables).map(([name, key]) => ({ name, key }))],
    });

/** A read-only file in the container, from a ConfigMap (not for secrets). */
export const withConfigFile =
  (path: string, content: string): AppBuilder =>
  (spec) =>
    update(spec, { configFiles: [...spec.configFiles, { path, content }] });

export interface ResourceOptions {
  requests?: Quantities;
  limits?: Quantities;
}

/** Overrides the default requests and limits, field by field. */
export const withResources = (options: ResourceOptions): AppBuilder =>
  once("withResources", "resources", (spec) =>
    update(spec, { resources: { requests: { ...options.requests }, limits: { ...options.limits } } }),
  );

export interface ProbeOptions {
  /** HTTP GET path on the app's port, e.g. /healthz. */
  path?: string;
  /** Or a command run in the container. */
  command?: readonly string[];
  /** Or a named container port (from `withPorts`) that must accept TCP connections. */
  tcpPort?: string;
  /**
   * A command that decides readiness alone (startup and liveness keep the check above): the pod
   * takes traffic on a load balancer only while it passes. The app's own Service keeps the pod
   * while it fails (publishNotReadyAddresses), so whatever makes it ready in the cluster reaches it.
   */
  readyCommand?: readonly string[];
  initialDelaySeconds?: number;
  periodSeconds?: number;
  /** Startup probe failures allowed before the container is restarted (default 30). */
  startupFailureThreshold?: number;
}

/** Readiness, liveness and startup probes on one health check. */
export const withProbes = (options: ProbeOptions): AppBuilder =>
  once("withProbes", "probes", (spec) =>
    update(spec, {
      probes: {
        ...(options.path === undefined ? {} : { path: options.path }),
        ...(options.command === undefined ? {} : { command: [...options.command] }),
        ...(options.tcpPort === undefined ? {} : { tcpPort: options.tcpPort }),
        ...(options.readyCommand === undefined ? {} : { readyCommand: [...options.readyCommand] }),
        initialDelaySeconds: options.initialDelaySeconds ?? 0,
        periodSeconds: options.periodSeconds ?? 10,
        startupFailureThreshold: options.startupFailureThreshold ?? 30,
      },
    }),
  );

/** Named opt-out: the image must run as root. Say why. */
export const allowRunAsRoot = (reason: string): AppBuilder =>
  once("allowRunAsRoot", "runAsRoot", (spec) => update(spec, { runAsRoot: reason }));

/** Named opt-out: add Linux capabilities back after dropping ALL. Say why. */
export const addCapabilities = (capabilities: readonly string[], reason: string): AppBuilder =>
  once("addCapabilities", "capabilities", (spec) =>
    update(spec, { capabilities: { add: [...capabilities], reason } }),
  );
