/**
 * Reads a render folder (`bun run render --out DIR`): each layer's `<layer>.yaml`, its documents
 * with the comment the render puts above each one (`# <type> <name>` and `# after: …`), put in
 * the order the render's dependencies ask for.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { parse } from "yaml";
import { LAYERS } from "../../lib/core/layerNames.ts";

export interface Manifest {
  /** `<type> <name>` of the Pulumi resource, as the render's comment names it. */
  id: string;
  after: string[];
  object: ManifestObject;
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export interface LayerManifests {
  layer: string;
  manifests: Manifest[];
}

/** `Kind namespace/name` (or `Kind name`), the way the report names an object. */
export const objectName = (object: Pick<ManifestObject, "kind" | "metadata">): string =>
  `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;

const isManifestObject = (value: unknown): value is ManifestObject => {
  const candidate = value as Partial<ManifestObject> | null;
  return (
    typeof candidate?.apiVersion === "string" &&
    typeof candidate.kind === "string" &&
    typeof candidate.metadata?.name === "string"
  );
};

/** The documents of one `<layer>.yaml`; `file` names it in errors. */
export const parseLayerFile = (text: string, file: string): Result<Manifest[], string[]> => {
  const manifests: Manifest[] = [];
  const errors: string[] = [];
  text.split(/^---$/m).forEach((chunk, index) => {
    const comments = chunk.split("\n").filter((line) => line.startsWith("#"));
    let body: unknown;
    try {
      body = parse(chunk);
    } catch (error) {
      errors.push(
        `${file} document ${index + 1}: not YAML: ${error instanceof Error ? error.message : error}`,
      );
      return;
    }
    if (body === null || body === undefined) return;
    if (!isManifestObject(body)) {
      errors.push(
        `${file} document ${index + 1}: not a Kubernetes object (apiVersion, kind and metadata.name)`,
      );
      return;
    }
    const header = /^# (\S+) (\S+)/.exec(comments[0] ?? "");
    const after = comments.find((line) => line.startsWith("# after: "));
    manifests.push({
      id: header ? `${header[1]} ${header[2]}` : objectName(body),
      after: after ? after.slice("# after: ".length).split(", ") : [],
      object: body,
    });
  });
  return errors.length > 0 ? err(errors) : ok(manifests);
};

/**
 * Dependencies first, otherwise the file's order. Dependencies outside the list (a Helm chart,
 * an earlier layer) are taken as met.
 */
export const dependencyOrder = (manifests: readonly Manifest[]): Manifest[] => {
  const pending = new Map(manifests.map((manifest) => [manifest.id, manifest]));
  const ordered: Manifest[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].find((manifest) => manifest.after.every((id) => !pending.has(id)));
    // A cycle cannot come out of Pulumi; should one appear, keep the file's order rather than loop.
    const next = ready ?? [...pending.values()][0];
    if (!next) break;
    ordered.push(next);
    pending.delete(next.id);
  }
  return ordered;
};

/** Every layer's objects in deploy order, or every reason DIR is not a render. */
export const readRender = (dir: string): Result<LayerManifests[], string[]> => {
  const missing = LAYERS.map((layer) => `${layer}.yaml`).filter((file) => !existsSync(join(dir, file)));
  if (missing.length > 0)
    return err([
      `${dir} is not a render: ${missing.join(", ")} missing. Make one with \`bun run render --out ${dir}\`.`,
    ]);
  const errors: string[] = [];
  const layers = LAYERS.map((layer) => {
    const parsed = parseLayerFile(readFileSync(join(dir, `${layer}.yaml`), "utf8"), `${layer}.yaml`);
    if (parsed.isErr()) errors.push(...parsed.error);
    return { layer, manifests: parsed.isOk() ? dependencyOrder(parsed.value) : [] };
  });
  return errors.length > 0 ? err(errors) : ok(layers);
};

export interface HelmReleaseLike {
  chart: string;
  values?: Record<string, unknown>;
}

/** The Helm releases the render lists for a layer (`<layer>.helm.yaml`); none when the file is absent. */
export const readHelmReleases = (dir: string, layer: string): HelmReleaseLike[] => {
  const file = join(dir, `${layer}.helm.yaml`);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split(/^---$/m)
    .map((chunk) => parse(chunk) as HelmReleaseLike | null)
    .filter((release): release is HelmReleaseLike => typeof release?.chart === "string");
};

export interface CrdLike {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean }[] };
}

/** `group/version kind` of every version a CRD serves. */
export const servedKinds = (crd: CrdLike): { apiVersion: string; kind: string }[] =>
  (crd.spec?.versions ?? [])
    .filter((version) => version.served !== false)
    .map((version) => ({
      apiVersion: `${crd.spec?.group}/${version.name}`,
      kind: crd.spec?.names?.kind ?? "",
    }));
