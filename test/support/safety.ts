/**
 * Fixtures for the safety tests: copies of the apps folder and of the config folder to change,
 * the real render over them, and the protection walk over rendered layers.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Result } from "neverthrow";
import type { Problem } from "../../lib/core/problem.ts";
import type { KubernetesObject } from "../../lib/render/documents.ts";
import { type RenderedLayer, renderStackFiles } from "../../lib/render/render.ts";
import { loadLayers } from "../../programs/layers.ts";
import { ROOT, TEST_RUN } from "./render.ts";

export const APPS_DIR = join(ROOT, "programs/apps/apps");

/**
 * A temporary copy of the shipped apps folder. The modules' relative imports of lib/ are made
 * absolute so they load from anywhere; `edit` then changes the copy like a user would.
 */
export const appsFixture = (edit: (dir: string) => void = () => {}): string => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-apps-"));
  for (const file of readdirSync(APPS_DIR).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(join(APPS_DIR, file), "utf8").replaceAll(
      /(["'])(?:\.\.\/)+lib\//g,
      (_, quote: string) => `${quote}${ROOT}/lib/`,
    );
    writeFileSync(join(dir, file), source);
  }
  edit(dir);
  return dir;
};

/** Replaces one exact piece of a fixture file; fails when the piece is not there (the app changed). */
export const replaceIn = (path: string, from: string, to: string): void => {
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`${path} no longer contains ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
};

/** A repository copy with only config/, to write stacks without touching the real one. */
export const scratchRoot = (): string => {
  const root = mkdtempSync(join(tmpdir(), "homelab-safety-"));
  cpSync(join(ROOT, "config"), join(root, "config"), { recursive: true });
  return root;
};

/** The whole stack rendered the real way, with the apps layer loading its modules from `appsDir`. */
export const renderWithApps = async (
  appsDir: string,
  root = ROOT,
  stack = "example",
): Promise<Result<RenderedLayer[], Problem[]>> =>
  renderStackFiles(await loadLayers(appsDir), root, stack, TEST_RUN);

// ---------------------------------------------------------------- protection

const DATA_KINDS: Readonly<Record<string, (apiVersion: string) => boolean>> = {
  PersistentVolumeClaim: (v) => v === "v1",
  PersistentVolume: (v) => v === "v1",
  Cluster: (v) => v.startsWith("postgresql.cnpg.io/"),
};

/** A Namespace with a claim, volume or database of the same layer in it: deleting it deletes them. */
const holdsData = (documents: RenderedLayer["documents"], object: KubernetesObject): boolean =>
  object.kind === "Namespace" &&
  object.apiVersion === "v1" &&
  documents.kubernetes.some(
    ({ body }) =>
      DATA_KINDS[body.kind]?.(body.apiVersion) && body.metadata.namespace === object.metadata.name,
  );

const where = (layer: string, object: KubernetesObject, pulumiName: string): string =>
  `${layer}: ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name ?? "?"} (Pulumi ${pulumiName})`;

/** Every `reclaimPolicy` anywhere in a Helm release's values, by path. */
const reclaimPolicies = (value: unknown, path: string[] = []): [string, unknown][] => {
  if (Array.isArray(value)) return value.flatMap((item, i) => reclaimPolicies(item, [...path, String(i)]));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "reclaimPolicy" ? [[[...path, key].join("."), inner]] : reclaimPolicies(inner, [...path, key]),
  );
};

/**
 * Charts that create a StorageClass, and where its reclaim policy goes: the chart default is
 * Delete, so the value must be set to Retain explicitly.
 */
const CHART_CLASSES: Readonly<Record<string, { when: (values: unknown) => boolean; path: string[] }>> = {
  longhorn: { when: () => true, path: ["persistence", "reclaimPolicy"] },
  "csi-driver-nfs": {
    when: (values) =>
      (values as { storageClass?: { create?: unknown } } | undefined)?.storageClass?.create === true,
    path: ["storageClass", "reclaimPolicy"],
  },
};

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (inner, key) =>
      typeof inner === "object" && inner !== null ? (inner as Record<string, unknown>)[key] : undefined,
    value,
  );

/** Every object that holds data but is not protected and retained, or whose storage is not Retain. */
export const protectionProblems = (layers: readonly Pick<RenderedLayer, "layer" | "documents">[]): string[] =>
  layers.flatMap(({ layer, documents }) => [
    ...documents.kubernetes.flatMap(({ body, resource }) => {
      const problems: string[] = [];
      const name = where(layer, body, resource.name);
      if (DATA_KINDS[body.kind]?.(body.apiVersion) || holdsData(documents, body)) {
        if (!resource.protect) problems.push(`${name} is not protected in Pulumi (protect: true)`);
        if (!resource.retainOnDelete)
          problems.push(`${name} is not retained on delete in Pulumi (retainOnDelete: true)`);
      }
      if (body.kind === "PersistentVolume") {
        const policy = at(body, ["spec", "persistentVolumeReclaimPolicy"]);
        if (policy !== "Retain")
          problems.push(`${name} has persistentVolumeReclaimPolicy ${String(policy ?? "unset")}, not Retain`);
      }
      if (body.kind === "StorageClass") {
        const policy = body.reclaimPolicy;
        if (policy !== "Retain")
          problems.push(`${name} has reclaimPolicy ${String(policy ?? "unset (Delete)")}, not Retain`);
        const onDelete = at(body, ["parameters", "onDelete"]);
        if (body.provisioner === "nfs.csi.k8s.io" && onDelete !== "retain" && onDelete !== "archive")
          problems.push(
            `${name} lets csi-driver-nfs delete the volume's folder (parameters.onDelete ${String(onDelete ?? "unset (delete)")})`,
          );
      }
      return problems;
    }),
    ...documents.helm.flatMap(({ body, resource }) => {
      const name = `${layer}: Helm release ${body.namespace}/${body.name} (chart ${body.chart}, Pulumi ${resource.name})`;
      const problems = reclaimPolicies(body.values)
        .filter(([, policy]) => policy !== "Retain")
        .map(([path, policy]) => `${name} sets ${path} to ${String(policy)}, not Retain`);
      const chartClass = CHART_CLASSES[body.chart];
      if (chartClass?.when(body.values) && at(body.values, chartClass.path) === undefined)
        problems.push(
          `${name} creates a StorageClass without ${chartClass.path.join(".")}: Retain (the chart default is Delete)`,
        );
      return problems;
    }),
  ]);
