/**
 * Builders for what platform services need and user apps may too: more ports, scratch folders, a
 * read-only root, API read access, node spreading, and the named opt-out of no-privilege-escalation.
 * Like every builder they record what was asked; their rules (rules/pod.ts) check it.
 */
import { once } from "./builders.ts";
import { type AppBuilder, type ClusterReadRule, type ExtraPort, update } from "./spec.ts";

export interface PortOptions {
  /** IANA_SVC_NAME: at most 15 lowercase letters, digits and dashes; Services target it by name. */
  name: string;
  port: number;
  protocol?: "TCP" | "UDP";
}

/**
 * Container ports beside the app's HTTP port, e.g. DNS on 53 over TCP and UDP.
 * @example
 * ```ts
 * pipe(
 *   app("mosquitto", { image: "eclipse-mosquitto:2.0.21", user: 1883 }),
 *   withPorts([
 *     { name: "mqtt", port: 1883 },
 *     { name: "mqtt-ws", port: 9001, protocol: "TCP" },
 *   ]),
 * )
 * ```
 */
export const withPorts =
  (ports: readonly PortOptions[]): AppBuilder =>
  (spec) =>
    update(spec, {
      ports: [
        ...(spec.ports ?? []),
        ...ports.map(
          (port): ExtraPort => ({ name: port.name, port: port.port, protocol: port.protocol ?? "TCP" }),
        ),
      ],
    });

export interface EmptyDirOptions {
  name: string;
  mountPath: string;
  /** The most the folder may hold before the pod is evicted (default 64Mi). */
  sizeLimit?: string;
}

/**
 * A scratch folder that starts empty with every pod: for state the app rebuilds on its own.
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withEmptyDir({ name: "transcodes", mountPath: "/transcodes", sizeLimit: "8Gi" }),
 * )
 * ```
 */
export const withEmptyDir =
  (options: EmptyDirOptions): AppBuilder =>
  (spec) =>
    update(spec, {
      emptyDirs: [
        ...(spec.emptyDirs ?? []),
        { name: options.name, mountPath: options.mountPath, sizeLimit: options.sizeLimit ?? "64Mi" },
      ],
    });

/**
 * A read-only root filesystem, with `/tmp` as an emptyDir (default 64Mi) for what the app writes there.
 * @example
 * ```ts
 * pipe(
 *   app("docs", { image: "nginxinc/nginx-unprivileged:1.27.5-alpine", port: 8080, user: 101 }),
 *   withReadOnlyRootFilesystem({ tmpSize: "32Mi" }),
 * )
 * ```
 */
export const withReadOnlyRootFilesystem = (options: { tmpSize?: string } = {}): AppBuilder =>
  once("withReadOnlyRootFilesystem", "readOnlyRoot", (spec) =>
    update(spec, { readOnlyRoot: { tmpSize: options.tmpSize ?? "64Mi" } }),
  );

/**
 * A ServiceAccount for the app, allowed to get, list and watch the named kinds in every namespace
 * (a ClusterRole and its binding); the pod then mounts its token. Read access only.
 * @example
 * ```ts
 * pipe(
 *   app("homepage", { image: "ghcr.io/gethomepage/homepage:v1.2.0", port: 3000, user: 1000 }),
 *   withClusterReadAccess([
 *     { apiGroups: [""], resources: ["namespaces", "pods", "nodes"] },
 *     { apiGroups: ["networking.k8s.io"], resources: ["ingresses"] },
 *   ]),
 * )
 * ```
 */
export const withClusterReadAccess = (rules: readonly ClusterReadRule[]): AppBuilder =>
  once("withClusterReadAccess", "clusterRead", (spec) =>
    update(spec, {
      clusterRead: rules.map((rule) => ({ apiGroups: [...rule.apiGroups], resources: [...rule.resources] })),
    }),
  );

/**
 * Prefer nodes that run none of these apps' pods (e.g. a secondary apart from its primary).
 * @example
 * ```ts
 * pipe(
 *   app("blocky-secondary", { image: "ghcr.io/0xerr0r/blocky:v0.26.2", port: 4000, user: 100 }),
 *   preferNodesApartFrom("blocky-primary"),
 * )
 * ```
 */
export const preferNodesApartFrom = (...apps: readonly string[]): AppBuilder =>
  once("preferNodesApartFrom", "apartFrom", (spec) => update(spec, { apartFrom: [...apps] }));

/**
 * Named opt-out: let the container gain privileges (setuid binaries, file capabilities), e.g. an
 * image whose start script drops to a user and hands capabilities to a binary with setcap. Say why.
 * @example
 * ```ts
 * pipe(
 *   app("caddy", { image: "caddy:2.10.0", port: 80, user: 1000 }),
 *   addCapabilities(["NET_BIND_SERVICE"], "binds port 80 as a non-root user"),
 *   allowPrivilegeEscalation("the caddy binary gets NET_BIND_SERVICE from setcap, which no_new_privs ignores"),
 * )
 * ```
 */
export const allowPrivilegeEscalation = (reason: string): AppBuilder =>
  once("allowPrivilegeEscalation", "privilegeEscalation", (spec) =>
    update(spec, { privilegeEscalation: reason }),
  );
