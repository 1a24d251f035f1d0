/**
 * Where Go-built tools are kept, once per machine and version: ~/.cache/homelab/<component>-<version>/
 * (XDG_CACHE_HOME respected). verify:cluster's control plane and e2e's Pulumi engine share it.
 */
import { homedir } from "node:os";
import { join } from "node:path";

export const cacheRoot = (env: Record<string, string | undefined> = process.env): string =>
  join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "homelab");

/** The folder of one component at one version. */
export const cacheDir = (component: string, version: string, root = cacheRoot()): string =>
  join(root, `${component}-${version}`);
