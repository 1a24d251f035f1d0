/**
 * Turns recorded resources into what the render writes: Kubernetes objects, Helm releases and
 * everything else (e.g. Cloudflare records), each in a stable order and with secrets redacted.
 */
import { REDACTED, type RecordedResource } from "../pulumi/resources.ts";
import { toYamlDocument } from "./yaml.ts";

export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
} & Record<string, unknown>;

export interface HelmRelease {
  name: string;
  namespace: string;
  chart: string;
  repo: string;
  version: string;
  values: Record<string, unknown>;
  /** Deploy options of helm.v4.Chart, shown only when set: the render hides nothing Pulumi gets. */
  skipCrds?: true;
  skipAwait?: true;
}

export interface RenderedResource<T> {
  resource: RecordedResource;
  body: T;
}

export interface LayerDocuments {
  kubernetes: RenderedResource<KubernetesObject>[];
  helm: RenderedResource<HelmRelease>[];
  /** Resources outside the cluster, e.g. Cloudflare DNS records: their type, name and inputs. */
  external: RenderedResource<Record<string, unknown>>[];
}

const HELM_TYPES = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"]);

const isKubernetesObject = (resource: RecordedResource): boolean =>
  resource.type.startsWith("kubernetes:") && !HELM_TYPES.has(resource.type) && resource.custom;

/** Secret payloads are redacted whole, whether or not the program marked them secret. */
const redactSecretObject = (object: KubernetesObject): KubernetesObject => {
  if (object.kind !== "Secret") return object;
  const redact = (data: unknown) =>
    data && typeof data === "object"
      ? Object.fromEntries(Object.keys(data).map((key) => [key, REDACTED]))
      : data;
  return {
    ...object,
    ...(object.data === undefined ? {} : { data: redact(object.data) }),
    ...(object.stringData === undefined ? {} : { stringData: redact(object.stringData) }),
  };
};

const toHelmRelease = (resource: RecordedResource): HelmRelease => {
  const inputs = resource.inputs as {
    name?: string;
    namespace?: string;
    chart?: string;
    version?: string;
    repositoryOpts?: { repo?: string };
    values?: Record<string, unknown>;
    skipCrds?: boolean;
    skipAwait?: boolean;
  };
  return {
    name: inputs.name ?? resource.name,
    namespace: inputs.namespace ?? "default",
    chart: inputs.chart ?? "",
    repo: inputs.repositoryOpts?.repo ?? "",
    version: inputs.version ?? "",
    values: inputs.values ?? {},
    ...(inputs.skipCrds ? { skipCrds: true as const } : {}),
    ...(inputs.skipAwait ? { skipAwait: true as const } : {}),
  };
};

const KIND_ORDER = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "Secret", "ConfigMap"];
const kindRank = (kind: string): number => {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
};

const compareObjects = (a: KubernetesObject, b: KubernetesObject): number =>
  kindRank(a.kind) - kindRank(b.kind) ||
  a.kind.localeCompare(b.kind) ||
  (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
  (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");

const byName = <T>(a: RenderedResource<T>, b: RenderedResource<T>): number =>
  a.resource.type.localeCompare(b.resource.type) || a.resource.name.localeCompare(b.resource.name);

export const layerDocuments = (resources: readonly RecordedResource[]): LayerDocuments => ({
  kubernetes: resources
    .filter(isKubernetesObject)
    .map((resource) => ({ resource, body: redactSecretObject(resource.inputs as KubernetesObject) }))
    .sort((a, b) => compareObjects(a.body, b.body)),
  helm: resources
    .filter((resource) => HELM_TYPES.has(resource.type))
    .map((resource) => ({ resource, body: toHelmRelease(resource) }))
    .sort(byName),
  external: resources
    .filter((resource) => !resource.type.startsWith("kubernetes:") && resource.custom)
    .map((resource) => ({ resource, body: { type: resource.type, name: resource.name, ...resource.inputs } }))
    .sort(byName),
});

const shortName = (urn: string): string => {
  const parts = urn.split("::");
  return `${parts[2]?.split("$").pop() ?? "?"} ${parts[3] ?? "?"}`;
};

/** Deploy options that live outside the body: custom timeouts, an explicit provider, lookups. */
const deployOptions = (resource: RecordedResource): string[] => [
  ...Object.entries(resource.timeouts).map(([operation, timeout]) => `${operation} timeout ${timeout}`),
  ...(resource.provider === "" ? [] : [`provider ${resource.provider.split("::")[3] ?? resource.provider}`]),
  ...Object.entries(resource.lookups ?? {}).map(([input, what]) => `${input} = ${what}`),
];

/** Comment lines per document with what Pulumi does that the object itself does not show. */
const header = (resource: RecordedResource): string => {
  const flags = [resource.protect && "protected", resource.retainOnDelete && "retained on delete"].filter(
    Boolean,
  );
  const after = resource.dependsOn.map(shortName).sort();
  const options = deployOptions(resource);
  return [
    ` ${resource.type} ${resource.name}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}`,
    ...(after.length > 0 ? [` after: ${after.join(", ")}`] : []),
    ...(options.length > 0 ? [` deploy: ${options.join(", ")}`] : []),
  ].join("\n#");
};

/** Multi-document YAML with sorted keys: the same input always gives the same bytes. */
export const toYaml = <T>(documents: readonly RenderedResource<T>[]): string =>
  documents.map(({ resource, body }) => `#${header(resource)}\n${toYamlDocument(body)}`).join("---\n");
