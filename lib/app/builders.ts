/**
 * The pure builders an app file composes: each takes options and returns `(spec) => spec`.
 * They record what was asked, never check it: `validateApp` reports every problem at once. Here:
 * volumes, ingresses, auth and the database; the container's own builders are in containerBuilders.ts,
 * the pod's in podBuilders.ts, the Service's in serviceBuilders.ts, and lib/app/index.ts exports them all.
 */
import { type AppBuilder, type AppSpec, type PostgresField, update } from "./spec.ts";

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
  /** Absolute path of the export on the NAS (the storage contract's nfsServer)... */
  path?: string;
  /**
   * ...or a folder under the stack's own share (`nfs_share_path`), e.g. `"demo"`: the same app
   * file then fits every stack's NAS. Exactly one of `path` and `folder`.
   */
  folder?: string;
  mountPath: string;
  readOnly?: boolean;
  /** Nominal size of the static PV (default 1Gi; NFS does not enforce it). */
  size?: string;
}

/**
 * Mounts an existing NFS export through a static PV and PVC bound to each other (Retain).
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/media", readOnly: true, size: "4Ti" }),
 * )
 * ```
 * @example
 * ```ts
 * pipe(
 *   app("filebrowser", { image: "filebrowser/filebrowser:v2.32.0", port: 80 }),
 *   withNfsVolume({ name: "files", folder: "filebrowser", mountPath: "/srv" }),
 * )
 * ```
 */
export const withNfsVolume =
  (options: NfsVolumeOptions): AppBuilder =>
  (spec) =>
    update(spec, {
      volumes: [
        ...spec.volumes,
        {
          kind: "nfs",
          name: options.name,
          ...(options.path === undefined ? {} : { path: options.path }),
          ...(options.folder === undefined ? {} : { folder: options.folder }),
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

/**
 * A replicated Longhorn volume (ReadWriteOnce; the Deployment then uses the Recreate strategy).
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withLonghornVolume({ name: "config", mountPath: "/config", size: "10Gi" }),
 *   withLonghornVolume({ name: "cache", mountPath: "/cache", size: "20Gi", backup: false }),
 * )
 * ```
 */
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

/**
 * Serves the app on the private (LAN-only) ingress; Pi-hole publishes the name.
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withPrivateIngress({ subdomain: "tv" }),
 * )
 * ```
 */
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

/**
 * Serves the app on the public ingress; Cloudflare publishes the name as a CNAME to the router's record.
 * It needs `withAuth`, or a `noAuth` reason for an app that must be reachable without a login page.
 * @example
 * ```ts
 * pipe(
 *   app("actual", { image: "actualbudget/actual-server:25.5.0", port: 5006, user: 1000 }),
 *   withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),
 *   withPublicIngress({ subdomain: "budget" }),
 *   withAuth({ groups: ["household"] }),
 * )
 * ```
 * @example
 * ```ts
 * pipe(
 *   app("vaultwarden", { image: "vaultwarden/server:1.33.2", port: 8080, user: 1000 }),
 *   withEnv({ ROCKET_PORT: "8080", DOMAIN: "https://vault.example.com" }),
 *   withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),
 *   withPublicIngress({
 *     subdomain: "vault",
 *     noAuth: "Bitwarden clients cannot pass a login page; Vaultwarden has its own accounts",
 *   }),
 * )
 * ```
 */
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

/**
 * Puts every ingress of the app behind Tinyauth (Pocket ID login), optionally only for some users or groups.
 * @example
 * ```ts
 * pipe(
 *   app("actual", { image: "actualbudget/actual-server:25.5.0", port: 5006, user: 1000 }),
 *   withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),
 *   withPrivateIngress({ subdomain: "budget" }),
 *   withAuth({ emails: ["alice@example.com", "bob@example.com"], groups: ["household"] }),
 * )
 * ```
 */
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
  /**
   * Restore the database from one of its backups (README, Restoring): a NEW cluster
   * `<app>-db-r<time>` bootstrapped from backup `from` (`<app>-db-<YYYYMMDDhhmmss>`, as
   * `bun run backups` lists them), beside the live one, which is never touched. `switch`
   * (default true) points the app at the restored database in the same deploy; false keeps it on
   * the live one until you flip it in a later deploy.
   */
  restore?: { from: string; switch?: boolean };
}

/**
 * A CloudNativePG cluster for the app. Connection details come from the operator's
 * `<app>-db-app` secret by secretKeyRef; `url` is the operator's percent-encoded `uri`.
 * @example
 * ```ts
 * pipe(
 *   app("n8n", { image: "docker.n8n.io/n8nio/n8n:1.95.3", port: 5678, user: 1000 }),
 *   withPostgres({
 *     size: "10Gi",
 *     database: "n8n",
 *     env: {
 *       host: "DB_POSTGRESDB_HOST",
 *       port: "DB_POSTGRESDB_PORT",
 *       database: "DB_POSTGRESDB_DATABASE",
 *       user: "DB_POSTGRESDB_USER",
 *       password: "DB_POSTGRESDB_PASSWORD",
 *     },
 *   }),
 *   withEnv({ DB_TYPE: "postgresdb" }),
 * )
 * ```
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
        ...(options.restore === undefined
          ? {}
          : { restore: { from: options.restore.from, switch: options.restore.switch ?? true } }),
      },
    }),
  );
