/**
 * A layer as one pure value: its config schema, the contracts of earlier layers it reads, and one
 * pure function of (config, reads) that evaluates it: the plan, the exports, the summary, and what
 * a deploy must tell the operator, all from one call, so what they share is computed once. The
 * Pulumi runner (lib/pulumi/program.ts) and the offline render (lib/render/render.ts) take this
 * value and nothing else, so the render shows exactly what a deploy creates. This module imports
 * no layer.
 */
import type { Result } from "neverthrow";
import type { StackSchemas } from "../config/registry.ts";
import type { ConfigOf, KeySchemas, LayerSchema } from "../config/schema.ts";
import type { Contract, ContractValues, Shape } from "./contracts.ts";
import { LAYERS, type Layer, projectName } from "./layerNames.ts";
import type { Plan } from "./plan.ts";
import { formatProblem, type Problem } from "./problem.ts";

/** The contracts a layer reads, keyed by the layer that exports each. */
export type Upstreams = Partial<Record<Layer, Contract<Shape>>>;

export type UpstreamValues<U extends Upstreams> = {
  readonly [L in keyof U]: U[L] extends Contract<Shape> ? ContractValues<U[L]> : never;
};

/**
 * What a run takes from outside its config, read once at the command line and passed down, so
 * everything below is a pure function of its inputs (the same inputs, the same bytes).
 */
export interface RunContext {
  /** The year whose time-zone rules the schedules follow. */
  year: number;
}

/** The run context of a process: its clock's year. */
export const runContextOf = (now: Date): RunContext => ({ year: now.getUTCFullYear() });

/** Everything a layer is for one config and its reads. */
export interface Evaluation<E extends object = object> {
  /** Everything the layer creates. */
  plan: Plan;
  /** The stack outputs: the layer's contract values (and any extra the operator reads). */
  exports: E;
  /** Lines for the render summary that only this layer can explain (IP plan, schedules, hosts). */
  summary: string[];
  /** What a deploy must tell the operator, as warnings (e.g. the auth layer's first-deploy steps). */
  notices: string[];
}

export interface LayerDefinition<
  L extends Layer = Layer,
  K extends KeySchemas = KeySchemas,
  U extends Upstreams = Upstreams,
  E extends object = object,
> {
  layer: L;
  schema: LayerSchema<K>;
  reads: U;
  /** The layer for this config and these reads, or every reason it cannot be built. */
  evaluate(config: ConfigOf<K>, reads: UpstreamValues<U>, run: RunContext): Result<Evaluation<E>, Problem[]>;
}

/**
 * Any layer, with its config and reads erased: what the generic runner and render hold. Its
 * function takes `never`, so every concrete layer fits and nothing can call it unchecked.
 */
export interface AnyLayer {
  layer: Layer;
  schema: LayerSchema;
  reads: Upstreams;
  evaluate(config: never, reads: never, run: RunContext): Result<Evaluation, Problem[]>;
}

/** The four layers of a stack, by name (the composition root, programs/layers.ts, builds it). */
export type StackLayers = Readonly<{ [L in Layer]: AnyLayer & { layer: L } }>;

/** Why a layer refused to run, as its runner reports it: every problem, and that nothing changed. */
export const refusal = (kind: string, problems: readonly Problem[], layer: Layer, stack: string): string =>
  `${problems.length} ${kind} in ${projectName(layer)} (stack ${stack}); nothing was changed:\n${problems.map(formatProblem).join("\n")}`;

/** The config schema of every layer of a stack. */
export const schemasOf = (layers: StackLayers): StackSchemas =>
  Object.fromEntries(LAYERS.map((layer) => [layer, layers[layer].schema])) as Record<Layer, LayerSchema>;

export const defineLayer = <L extends Layer, K extends KeySchemas, U extends Upstreams, E extends object>(
  definition: LayerDefinition<L, K, U, E>,
): LayerDefinition<L, K, U, E> => definition;

/** Evaluates a layer on parsed config and validated reads (both checked by the caller). */
export const evaluateLayer = (
  layer: AnyLayer,
  config: object,
  reads: object,
  run: RunContext,
): Result<Evaluation, Problem[]> =>
  // AnyLayer erases the layer's config and reads (its evaluate takes `never`); the caller parsed
  // the config with this layer's own schema and validated the reads against its own contracts.
  (layer as unknown as LayerDefinition).evaluate(
    config as ConfigOf<KeySchemas>,
    reads as UpstreamValues<Upstreams>,
    run,
  );

export interface StackContext {
  stack: string;
  organization: string;
}

/** The upstream stack a layer reads: `<layer>_stack` from config, else the same stack in the upstream project. */
export const upstreamStackName = (upstream: Layer, config: object, context: StackContext): string => {
  const override = (config as Record<string, unknown>)[`${upstream}Stack`];
  return typeof override === "string"
    ? override
    : `${context.organization}/${projectName(upstream)}/${context.stack}`;
};
