/**
 * A Bun program shipped in a ConfigMap and run by a Job or CronJob: the program's TypeScript files,
 * verbatim in the ConfigMap's data, mounted read-only and run as is by the pinned Bun image. Its
 * logic stays pure exported functions the suite tests; the pod only adds the I/O. Used by the OIDC
 * client step (lib/oidc/reconcile.ts) and the database backup pruner
 * (lib/layers/storage/backupPruner.ts).
 */
import { readFileSync } from "node:fs";
import type * as input from "@pulumi/kubernetes/types/input";
import { type PodTemplate, podTemplate, stepContainer } from "./workload.ts";

/**
 * Bun's official Alpine image at the Bun this project runs on (package.json `packageManager`):
 * it runs the TypeScript file as is. oven-sh/bun dockerhub/alpine/Dockerfile: user `bun` is uid
 * and gid 1000, and BUN_RUNTIME_TRANSPILER_CACHE_PATH=0, so nothing is written to the root fs.
 */
export const BUN_IMAGE = "docker.io/oven/bun:1.4.5-alpine";
const BUN_USER = 1000;

/** The program's files by name, read once: the same text whatever runtime renders. */
export const programFiles = (dir: URL, files: readonly string[]): Record<string, string> =>
  Object.fromEntries(files.map((file) => [file, readFileSync(new URL(file, dir), "utf8")]));

/** A volume the program reads beside its own files (a Secret, say), mounted read-only. */
interface ProgramInput {
  readonly name: string;
  readonly mountPath: string;
  readonly source: Omit<input.core.v1.Volume, "name">;
}

export interface BunProgramPod {
  /** The pod's name label, its ServiceAccount (whose token it gets) and the program's ConfigMap. */
  readonly name: string;
  readonly container: string;
  /** The folder (and volume name) the ConfigMap is mounted as: `/<folder>`. */
  readonly folder: string;
  /** The file Bun runs, and its arguments. */
  readonly entry: string;
  readonly args: readonly string[];
  readonly inputs: readonly ProgramInput[];
}

/** Where the program runs: `bun /<folder>/<entry> <args>`, read-only, non-root, a small /tmp. */
export const bunProgramPod = (pod: BunProgramPod): PodTemplate =>
  podTemplate({
    labels: { "app.kubernetes.io/name": pod.name },
    serviceAccount: pod.name,
    identity: { user: BUN_USER, group: BUN_USER },
    containers: [
      stepContainer({
        name: pod.container,
        image: BUN_IMAGE,
        command: ["bun", `/${pod.folder}/${pod.entry}`, ...pod.args],
        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        volumeMounts: [
          { name: pod.folder, mountPath: `/${pod.folder}`, readOnly: true },
          ...pod.inputs.map((item) => ({ name: item.name, mountPath: item.mountPath, readOnly: true })),
          { name: "tmp", mountPath: "/tmp" },
        ],
      }),
    ],
    volumes: [
      { name: pod.folder, configMap: { name: pod.name } },
      ...pod.inputs.map((item) => ({ name: item.name, ...item.source })),
      { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
    ],
  });
