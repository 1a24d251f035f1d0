/**
 * The offline render: every layer of a stack, in order, in this process, under the mock runtime,
 * each layer reading the outputs the previous ones produced. Used by `bun run render` and the tests.
 */
import { err, ok, type Result } from "neverthrow";
import { parseConfig } from "../config/registry.ts";
import type { RawConfig } from "../config/schema.ts";
import { plaintextLeaves, plaintextSecretKeys, readStackConfig } from "../config/stackFile.ts";
import type { NetworkContract } from "../contracts.ts";
import { LAYERS, type Layer, projectName } from "../layers.ts";
import { mergePlans, type Plan } from "../plan.ts";
import { lanDnsOf, preflight } from "../preflight/index.ts";
import { formatProblem, type Problem, problem, withProblems } from "../problem.ts";
import { type AnyLayerProgram, runLayer, type StackContext, upstreamStackName } from "../pulumi/program.ts";
import { type LayerDocuments, layerDocuments, toYaml } from "./documents.ts";
import { type MockRun, runUnderMocks, type UpstreamStack } from "./mockRuntime.ts";
import { offlineInvokes } from "./offlineInvokes.ts";

export type Programs = Readonly<Record<Layer, AnyLayerProgram>>;

export interface RenderedLayer extends MockRun {
  layer: Layer;
  config: object;
  /** Everything the program handed to the Pulumi edge, as one plan (for the preflight). */
  plan: Plan;
  documents: LayerDocuments;
  /** File name (in the output folder) to contents. */
  files: Record<string, string>;
  /** Lines the layer's own `summarize` adds to the render summary. */
  notes: string[];
}

/** The organization Pulumi uses for self-managed backends, and so for derived stack references. */
export const OFFLINE_ORGANIZATION = "organization";

/**
 * Plaintext secret values of a stack's config, to prove none of them reaches the output: each
 * leaf of a map-valued secret (app_secrets) on its own, since the map's JSON text never appears whole.
 */
export const secretPlaintexts = (raw: Record<Layer, RawConfig>): string[] =>
  plaintextSecretKeys(raw)
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

/**
 * Renders every layer of `stack`. Config problems come back as errors before any program runs;
 * a program failure (e.g. a broken upstream contract) is thrown.
 */
export const renderStack = async (
  programs: Programs,
  root: string,
  stack: string,
): Promise<Result<RenderedLayer[], Problem[]>> => {
  const raw = readStackConfig(root, stack);
  if (raw.isErr()) return err(raw.error);
  const context: StackContext = { stack, organization: OFFLINE_ORGANIZATION };
  const rendered: RenderedLayer[] = [];
  const outputsByLayer = new Map<Layer, UpstreamStack>();

  for (const layer of LAYERS) {
    const program = programs[layer];
    const parsed = parseConfig(layer, raw.value[layer]);
    if (parsed.isErr()) return err(parsed.error);
    const config = parsed.value;
    const upstreamByName = new Map(
      Object.keys(program.reads).map((upstream) => [
        upstreamStackName(upstream as Layer, config, context),
        outputsByLayer.get(upstream as Layer),
      ]),
    );
    let input: Parameters<NonNullable<AnyLayerProgram["summarize"]>>[0] | undefined;
    const plans: Plan[] = [];
    const run = await runUnderMocks(
      {
        project: projectName(layer),
        stack,
        stackReference: (name) => upstreamByName.get(name),
        invokes: offlineInvokes,
      },
      () =>
        runLayer(program, raw.value[layer], context, {
          input: (seen) => {
            input = seen;
          },
          plan: (plan) => plans.push(plan),
        }),
    );
    outputsByLayer.set(layer, run.outputs);
    const documents = layerDocuments(run.resources);
    rendered.push({
      layer,
      config,
      plan: mergePlans(...plans),
      ...run,
      documents,
      files: layerFiles(layer, documents),
      notes: input ? (program.summarize?.(input) ?? []) : [],
    });
  }

  const leaks = leaksByKey(rendered, raw.value);
  if (leaks.length > 0)
    throw withProblems(new Error(`${leaks.map(formatProblem).join("\n")}\nNothing was written.`), leaks);
  return ok(rendered);
};

/** The preflight over every rendered layer's plan, with the network layer's LAN DNS facts. */
export const preflightOf = (layers: readonly RenderedLayer[]): Problem[] => {
  const network = layers.find((layer) => layer.layer === "network")?.outputs.outputs as
    | NetworkContract
    | undefined;
  return preflight(
    layers.map(({ layer, plan }) => ({ layer, plan })),
    network ? lanDnsOf(network) : { annotationPrefix: "", ingressIps: {} },
  );
};

/** One problem per secret key whose plaintext appears in the output, naming the key and where (never the value). */
const leaksByKey = (layers: readonly RenderedLayer[], raw: Record<Layer, RawConfig>): Problem[] =>
  plaintextSecretKeys(raw).flatMap(({ layer, key }) => {
    const values = plaintextLeaves(raw[layer][key]).filter((value) => value.length >= 4);
    const found = findLeaks(layers, values);
    return found.length === 0
      ? []
      : [
          problem(
            { layer, key },
            `is a secret, and its value appears in ${found.join(", ")}`,
            "if the value is also an ordinary word or address of the config, give the secret a unique value",
          ),
        ];
  });

/** Files, public stack outputs and summary lines that contain any of the given plaintexts. */
export const findLeaks = (layers: readonly RenderedLayer[], plaintexts: readonly string[]): string[] =>
  layers.flatMap((layer) => {
    const publicOutputs = Object.fromEntries(
      Object.entries(layer.outputs.outputs).filter(([key]) => !layer.outputs.secretOutputNames.includes(key)),
    );
    const texts = {
      ...layer.files,
      [`${layer.layer} stack outputs`]: JSON.stringify(publicOutputs),
      [`${layer.layer} summary`]: layer.notes.join("\n"),
    };
    return Object.entries(texts)
      .filter(([, text]) => plaintexts.some((secret) => text.includes(secret)))
      .map(([name]) => name);
  });
