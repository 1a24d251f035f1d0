/**
 * The offline render: every layer of a stack in deploy order, straight from the layers' plans,
 * each layer reading the exports of the earlier ones. No Pulumi runtime: the resources written are
 * those the one edge registers for each plan (resources.ts; a program test proves they agree).
 */
import { err, ok, Result } from "neverthrow";
import type { StackSchemas } from "../config/registry.ts";
import type { RawConfig } from "../config/schema.ts";
import { plaintextLeaves, plaintextSecretKeys, readStack, type StackConfig } from "../config/stackFile.ts";
import { type NetworkContract, validateContract } from "../core/contracts.ts";
import {
  type AnyLayer,
  evaluateLayer,
  type RunContext,
  type StackContext,
  type StackLayers,
  schemasOf,
  upstreamStackName,
} from "../core/layer.ts";
import { LAYERS, type Layer, projectName } from "../core/layerNames.ts";
import type { Plan } from "../core/plan.ts";
import { type Problem, problem } from "../core/problem.ts";
import { lanDnsOf, preflight } from "../preflight/index.ts";
import { planResources, type RecordedResource } from "../pulumi/resources.ts";
import { type LayerDocuments, layerDocuments, toYaml } from "./documents.ts";

export interface RenderedLayer {
  layer: Layer;
  /** The earlier layers whose exports it reads. */
  reads: Layer[];
  config: object;
  plan: Plan;
  /** What the edge registers for the plan, in order. */
  resources: RecordedResource[];
  /** The layer's stack outputs (what later layers read). */
  outputs: Record<string, unknown>;
  documents: LayerDocuments;
  /** File name (in the output folder) to contents. */
  files: Record<string, string>;
  /** Lines the layer's own summary adds to the render summary. */
  notes: string[];
}

/** The organization Pulumi uses for self-managed backends, and so for derived stack references. */
export const OFFLINE_ORGANIZATION = "organization";

/**
 * Plaintext secret values of a stack's config, to prove none of them reaches the output: each
 * leaf of a map-valued secret (app_secrets) on its own, since the map's JSON text never appears whole.
 */
export const secretPlaintexts = (schemas: StackSchemas, raw: Record<Layer, RawConfig>): string[] =>
  plaintextSecretKeys(schemas, raw)
    .flatMap(({ layer, key }) => plaintextLeaves(raw[layer][key]))
    .filter((value) => value.length >= 4);

const layerFiles = (layer: Layer, documents: LayerDocuments): Record<string, string> => {
  const orNone = (text: string) => (text === "" ? "# (none)\n" : text);
  return {
    [`${layer}.yaml`]: orNone(toYaml(documents.kubernetes)),
    [`${layer}.helm.yaml`]: orNone(toYaml(documents.helm)),
    [`${layer}.external.yaml`]: orNone(toYaml(documents.external)),
  };
};

/** A layer's reads: the exports of the layers it reads, checked against their contracts like a StackReference. */
const readsOf = (
  layer: AnyLayer,
  config: object,
  context: StackContext,
  exported: ReadonlyMap<Layer, Record<string, unknown>>,
): Result<object, Problem[]> =>
  Result.combineWithAllErrors(
    Object.entries(layer.reads).map(([upstream, contract]) =>
      validateContract(
        contract,
        exported.get(upstream as Layer) ?? {},
        upstreamStackName(upstream as Layer, config, context),
      ).map((values) => [upstream, values] as const),
    ),
  )
    .map((entries) => Object.fromEntries(entries))
    .mapErr((perUpstream) => perUpstream.flat());

const renderLayer = (
  layer: AnyLayer,
  config: object,
  reads: object,
  context: StackContext,
  run: RunContext,
): Result<RenderedLayer, Problem[]> =>
  evaluateLayer(layer, config, reads, run).map(({ plan, exports, summary }) => {
    const resources = planResources(plan, { project: projectName(layer.layer), stack: context.stack });
    const documents = layerDocuments(resources);
    return {
      layer: layer.layer,
      reads: Object.keys(layer.reads) as Layer[],
      config,
      plan,
      resources,
      outputs: exports as Record<string, unknown>,
      documents,
      files: layerFiles(layer.layer, documents),
      notes: summary,
    };
  });

/**
 * Renders every layer of a stack from its config, read and parsed once (`readStack`). The layers'
 * problems come back as errors, and so does a secret that would reach the output.
 */
export const renderStack = (
  layers: StackLayers,
  config: StackConfig,
  stack: string,
  run: RunContext,
): Result<RenderedLayer[], Problem[]> => {
  const context: StackContext = { stack, organization: OFFLINE_ORGANIZATION };
  const rendered: RenderedLayer[] = [];
  const exported = new Map<Layer, Record<string, unknown>>();
  for (const name of LAYERS) {
    const layer = layers[name];
    const parsed = config.parsed[name];
    const result = readsOf(layer, parsed, context, exported).andThen((reads) =>
      renderLayer(layer, parsed, reads, context, run),
    );
    if (result.isErr()) return err(result.error);
    exported.set(name, result.value.outputs);
    rendered.push(result.value);
  }
  // A secret in the output is refused like any other problem: nothing is written.
  const leaks = leaksByKey(schemasOf(layers), config.raw, (values) => findLeaks(rendered, values));
  return leaks.length > 0 ? err(leaks) : ok(rendered);
};

/** The preflight over every rendered layer's plan, with the network layer's LAN DNS facts. */
export const preflightOf = (layers: readonly RenderedLayer[]): Problem[] => {
  const network = layers.find((layer) => layer.layer === "network")?.outputs as NetworkContract | undefined;
  return preflight(
    layers.map(({ layer, plan }) => ({ layer, plan })),
    network ? lanDnsOf(network) : { annotationPrefix: "", ingressIps: {} },
  );
};

/**
 * One problem per secret key whose plaintext appears in the output (`found` names where a key's
 * plaintext values appear), naming the key and where, never the value.
 */
const leaksByKey = (
  schemas: StackSchemas,
  raw: Record<Layer, RawConfig>,
  found: (values: readonly string[]) => string[],
): Problem[] =>
  plaintextSecretKeys(schemas, raw).flatMap(({ layer, key }) => {
    const places = found(plaintextLeaves(raw[layer][key]).filter((value) => value.length >= 4));
    return places.length === 0
      ? []
      : [
          problem(
            { layer, key },
            `is a secret, and its value (as written or base64-encoded) appears in ${places.join(", ")}`,
            "if the value is also an ordinary word or address of the config, give the secret a unique value",
          ),
        ];
  });

/** The secret leaks of further output files (the drawing), by key, like the render's own. */
export const fileLeaks = (
  schemas: StackSchemas,
  raw: Record<Layer, RawConfig>,
  files: Readonly<Record<string, string>>,
): Problem[] => leaksByKey(schemas, raw, (values) => textLeaks(files, values));

/**
 * A plaintext and its base64 forms (standard and URL-safe, with and without padding): a Secret's
 * `data` holds base64, so a secret can reach the output encoded without its plaintext appearing.
 */
const secretForms = (plaintext: string): string[] => {
  const standard = Buffer.from(plaintext, "utf8").toString("base64");
  const urlSafe = standard.replaceAll("+", "-").replaceAll("/", "_");
  const unpadded = (text: string) => text.replace(/=+$/, "");
  return [...new Set([plaintext, standard, unpadded(standard), urlSafe, unpadded(urlSafe)])];
};

/** The names of the texts that contain any of the given plaintexts, as written or base64-encoded. */
const textLeaks = (texts: Readonly<Record<string, string>>, plaintexts: readonly string[]): string[] => {
  const forms = plaintexts.flatMap(secretForms);
  return Object.entries(texts)
    .filter(([, text]) => forms.some((secret) => text.includes(secret)))
    .map(([name]) => name);
};

/** Files, stack outputs and summary lines that contain any of the given plaintexts, as written or base64-encoded. */
export const findLeaks = (layers: readonly RenderedLayer[], plaintexts: readonly string[]): string[] =>
  layers.flatMap((layer) =>
    textLeaks(
      {
        ...layer.files,
        [`${layer.layer} stack outputs`]: JSON.stringify(layer.outputs),
        [`${layer.layer} summary`]: layer.notes.join("\n"),
      },
      plaintexts,
    ),
  );

/** Reads a stack's files (every config problem at once) and renders it. */
export const renderStackFiles = (
  layers: StackLayers,
  root: string,
  stack: string,
  run: RunContext,
): Result<RenderedLayer[], Problem[]> =>
  readStack(schemasOf(layers), root, stack).andThen((config) => renderStack(layers, config, stack, run));
