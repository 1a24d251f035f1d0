/**
 * Builders for the container itself: its environment, files, resources and health checks, and the
 * named opt-outs of its security defaults. Like every builder they record what was asked;
 * `validateApp` checks it.
 */
import { once } from "./builders.ts";
import { type AppBuilder, type Quantities, update } from "./spec.ts";

/**
 * Plain environment variables (never secrets: see withSecretEnv).
 * @example
 * ```ts
 * pipe(
 *   app("n8n", { image: "docker.n8n.io/n8nio/n8n:1.95.3", port: 5678, user: 1000 }),
 *   withEnv({ GENERIC_TIMEZONE: "Europe/Berlin", N8N_PROTOCOL: "https", WEBHOOK_URL: "https://n8n.example.com/" }),
 * )
 * ```
 */
export const withEnv =
  (variables: Readonly<Record<string, string>>): AppBuilder =>
  (spec) =>
    update(spec, {
      env: [...spec.env, ...Object.entries(variables).map(([name, value]) => ({ name, value }))],
    });

/**
 * Secret environment variables: `{ ENV_NAME: "config_key" }` takes the value of
 * `app_secrets.<app>.<config_key>` from the apps stack config (set with `--secret`).
 * Here: `pulumi config set --secret --path 'app_secrets.n8n.encryption_key' '<key>'`.
 * @example
 * ```ts
 * pipe(
 *   app("n8n", { image: "docker.n8n.io/n8nio/n8n:1.95.3", port: 5678, user: 1000 }),
 *   withSecretEnv({ N8N_ENCRYPTION_KEY: "encryption_key" }),
 * )
 * ```
 */
export const withSecretEnv =
  (variables: Readonly<Record<string, string>>): AppBuilder =>
  (spec) =>
    update(spec, {
      secretEnv: [...spec.secretEnv, ...Object.entries(variables).map(([name, key]) => ({ name, key }))],
    });

/**
 * A read-only file in the container, from a ConfigMap (not for secrets).
 * @example
 * ```ts
 * pipe(
 *   app("docs", { image: "nginxinc/nginx-unprivileged:1.27.5-alpine", port: 8080, user: 101 }),
 *   withConfigFile(
 *     "/etc/nginx/conf.d/default.conf",
 *     "server {\n  listen 8080;\n  root /usr/share/nginx/html;\n  gzip on;\n}\n",
 *   ),
 * )
 * ```
 */
export const withConfigFile =
  (path: string, content: string): AppBuilder =>
  (spec) =>
    update(spec, { configFiles: [...spec.configFiles, { path, content }] });

export interface ResourceOptions {
  requests?: Quantities;
  limits?: Quantities;
}

/**
 * Overrides the default requests and limits, field by field.
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withResources({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "4", memory: "4Gi" } }),
 * )
 * ```
 */
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

/**
 * Readiness, liveness and startup probes on one health check.
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withProbes({ path: "/health", periodSeconds: 30, startupFailureThreshold: 60 }),
 * )
 * ```
 * @example
 * ```ts
 * pipe(
 *   app("mosquitto", { image: "eclipse-mosquitto:2.0.21", user: 1883 }),
 *   withPorts([{ name: "mqtt", port: 1883 }]),
 *   withProbes({ tcpPort: "mqtt" }),
 * )
 * ```
 */
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

/**
 * Named opt-out: the image must run as root. Say why.
 * @example
 * ```ts
 * pipe(
 *   app("syncthing", { image: "lscr.io/linuxserver/syncthing:1.29.7", port: 8384 }),
 *   withEnv({ PUID: "1000", PGID: "1000" }),
 *   withLonghornVolume({ name: "config", mountPath: "/config", size: "1Gi" }),
 *   allowRunAsRoot("s6-overlay starts as root, chowns /config, then runs Syncthing as PUID 1000"),
 *   addCapabilities(["CHOWN", "SETUID", "SETGID"], "s6-overlay chowns /config and switches to PUID"),
 * )
 * ```
 */
export const allowRunAsRoot = (reason: string): AppBuilder =>
  once("allowRunAsRoot", "runAsRoot", (spec) => update(spec, { runAsRoot: reason }));

/**
 * Named opt-out: add Linux capabilities back after dropping ALL. Say why.
 * @example
 * ```ts
 * pipe(
 *   app("coredns", { image: "coredns/coredns:1.12.1", args: ["-conf", "/config/Corefile"] }),
 *   withConfigFile("/config/Corefile", ".:53 {\n  forward . 1.1.1.1 9.9.9.9\n  cache 300\n}\n"),
 *   withPorts([
 *     { name: "dns-tcp", port: 53 },
 *     { name: "dns-udp", port: 53, protocol: "UDP" },
 *   ]),
 *   addCapabilities(["NET_BIND_SERVICE"], "binds port 53 as a non-root user"),
 * )
 * ```
 */
export const addCapabilities = (capabilities: readonly string[], reason: string): AppBuilder =>
  once("addCapabilities", "capabilities", (spec) =>
    update(spec, { capabilities: { add: [...capabilities], reason } }),
  );
