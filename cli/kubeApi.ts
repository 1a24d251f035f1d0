/**
 * Reads from the user's cluster with their kubeconfig, as kubectl finds it: `KUBECONFIG`, else
 * ~/.kube/config. @kubernetes/client-node reads the file and its credentials (certificates, a
 * token, an exec plugin); the request itself goes through Bun's fetch with those credentials as
 * Bun's `tls` option, because client-node's own transport passes them to an undici dispatcher,
 * which Bun's fetch ignores (harness/cluster/api.ts meets the same).
 */
import { existsSync } from "node:fs";
import type { RequestOptions } from "node:https";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";

type Env = Readonly<Record<string, string | undefined>>;

/** The kubeconfig files kubectl would read, or undefined when there is none. */
export const kubeconfigFiles = (env: Env): string[] | undefined => {
  const listed = (env.KUBECONFIG ?? "").split(":").filter((file) => file !== "");
  // kubectl skips a listed file that does not exist.
  const present = listed.filter((file) => existsSync(file));
  if (listed.length > 0) return present.length > 0 ? present : undefined;
  const home = env.HOME ? join(env.HOME, ".kube", "config") : undefined;
  return home && existsSync(home) ? [home] : undefined;
};

export const NO_KUBECONFIG = [
  "No kubeconfig: KUBECONFIG is not set (or names no file) and ~/.kube/config does not exist, so the cluster cannot be read.",
  "  fix: point KUBECONFIG at your cluster's kubeconfig (e.g. `talosctl kubeconfig ./kubeconfig`, then `export KUBECONFIG=$PWD/kubeconfig`)",
].join("\n");

/** GET of a path of the API server: the parsed JSON, or what went wrong (never a credential). */
export type KubeGet = (path: string) => Promise<Result<unknown, string>>;

/** A reader of the cluster the kubeconfig's current context names. */
export const kubeReader = async (files: readonly string[]): Promise<Result<KubeGet, string>> => {
  // Loaded only once there is a kubeconfig to read: the library takes ~0.1 s to import.
  const { KubeConfig } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  try {
    config.loadFromFile(files[0] ?? "");
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true);
    }
  } catch (error) {
    return err(
      `the kubeconfig ${files.join(":")} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) return err(`the kubeconfig ${files.join(":")} has no current context with a cluster`);
  const options: RequestOptions = { headers: {} };
  try {
    await config.applyToHTTPSOptions(options);
  } catch (error) {
    return err(
      `the kubeconfig's credentials cannot be used: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const tls = {
    ...(options.ca ? { ca: String(options.ca) } : {}),
    ...(options.cert ? { cert: String(options.cert) } : {}),
    ...(options.key ? { key: String(options.key) } : {}),
    ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    ...(options.servername ? { serverName: options.servername } : {}),
  };
  const headers: Record<string, string> = {
    ...(options.headers as Record<string, string>),
    Accept: "application/json",
    // A kubeconfig user with a username and password (client-node puts them in `auth`).
    ...(options.auth ? { Authorization: `Basic ${Buffer.from(options.auth).toString("base64")}` } : {}),
  };
  return ok(async (path) => {
    try {
      const response = await fetch(`${cluster.server}${path}`, {
        headers,
        tls,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (!response.ok) {
        const message = (() => {
          try {
            return (JSON.parse(text) as { message?: string }).message;
          } catch {
            return undefined;
          }
        })();
        return err(`${cluster.server}${path} answered ${response.status}${message ? `: ${message}` : ""}`);
      }
      return ok(JSON.parse(text) as unknown);
    } catch (error) {
      return err(`${cluster.server}${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
};

/**
 * Several cluster-wide lists read at once, by name: each list's `items`, or every error (nothing is
 * judged from a partial view of the cluster).
 */
export const readLists = async <K extends string>(
  get: KubeGet,
  paths: Readonly<Record<K, string>>,
): Promise<Result<Record<K, unknown[]>, string[]>> => {
  const entries = await Promise.all(
    (Object.entries(paths) as [K, string][]).map(async ([key, path]) => [key, await get(path)] as const),
  );
  const errors = entries.flatMap(([, result]) => (result.isErr() ? [result.error] : []));
  if (errors.length > 0) return err(errors);
  return ok(
    Object.fromEntries(
      entries.map(([key, result]) => [key, (result._unsafeUnwrap() as { items?: unknown[] }).items ?? []]),
    ) as Record<K, unknown[]>,
  );
};
