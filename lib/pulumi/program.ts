/**
 * How a layer program is declared, and the one way it runs: parse config, read the upstream
 * contracts, then build resources. The same `runLayer` serves `pulumi up` and the offline render.
 */
import * as pulumi from "@pulumi/pulumi";
import { type LayerConfig, parseConfig } from "../config/registry.ts";
import type { RawConfig } from "../config/schema.ts";
import { type Contract, type ContractValues, type Shape, validateContract } from "../contracts.ts";
import { type Layer, projectName } from "../layers.ts";
import type { Plan } from "../plan.ts";
import { formatProblem, withProblems } from "../problem.ts";
import { createPlan } from "./createPlan.ts";

type Upstreams = Partial<Record<Layer, Contract<Shape>>>;

export type UpstreamValues<U extends Upstreams> = {
  readonly [L in keyof U]: U[L] extends Contract<Shape> ? ContractValues<U[L]> : never;
};

/** What a layer knows: its config, the contracts it reads and the stack's name. */
export interface LayerValues<L extends Layer, U extends Upstreams> {
  config: LayerConfig<L>;
  upstream: UpstreamValues<U>;
  stack: string;
}

export interface LayerInput<L extends Layer, U extends Upstreams> extends LayerValues<L, U> {
  /** The one Pulumi edge (lib/pulumi/createPlan.ts), handed in so the runner sees every plan. */
  createPlan: (plan: Plan) => Map<string, pulumi.Resource>;
}

/** What a caller of `runLayer` may watch: the program's input, and each plan it creates. */
export interface LayerObserver<L extends Layer, U extends Upstreams> {
  input?(input: LayerInput<L, U>): void;
  plan?(plan: Plan): void;
}

export interface LayerProgram<L extends Layer, U extends Upstreams, O extends object> {
  layer: L;
  /** The contracts of earlier layers this layer reads, keyed by layer. */
  reads: U;
  /** Builds the layer's resources; returns its stack outputs. */
  run(input: LayerInput<L, U>): O | Promise<O>;
  /** Lines for the render summary that only this layer can explain (e.g. schedules in local time). */
  summarize?(input: LayerValues<L, U>): string[];
}

/** Any layer's program (its methods are bivariant in their input, so every program fits). */
export type AnyLayerProgram = LayerProgram<Layer, Upstreams, object>;

export const defineProgram = <L extends Layer, U extends Upstreams, O extends object>(
  program: LayerProgram<L, U, O>,
): LayerProgram<L, U, O> => program;

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

const readContract = async <C extends Contract<Shape>>(
  contract: C,
  stackName: string,
): Promise<ContractValues<C>> => {
  const reference = new pulumi.StackReference(stackName);
  const keys = Object.keys(contract.outputs);
  const details = await Promise.all(keys.map((key) => reference.getOutputDetails(key)));
  const values = Object.fromEntries(
    keys.map((key, i) => [key, details[i]?.value ?? details[i]?.secretValue]),
  );
  const result = validateContract(contract, values, stackName);
  if (result.isErr()) {
    const lines = result.error.map((found) => `  ${formatProblem(found)}`);
    throw withProblems(
      new pulumi.RunError(
        `The ${contract.layer} stack ${stackName} does not provide what this layer needs:\n${lines.join("\n")}`,
      ),
      result.error,
    );
  }
  return result.value;
};

/**
 * Runs a layer: every config error at once, before any resource; then the contracts; then the
 * program. `observer` sees the program's input and plans (the render's summary and preflight).
 */
export const runLayer = async <L extends Layer, U extends Upstreams, O extends object>(
  program: LayerProgram<L, U, O>,
  raw: RawConfig,
  context: StackContext,
  observer: LayerObserver<L, U> = {},
): Promise<O> => {
  const parsed = parseConfig(program.layer, raw);
  if (parsed.isErr()) {
    const lines = parsed.error.map(formatProblem);
    throw withProblems(
      new pulumi.RunError(
        `${parsed.error.length} config error(s) in ${projectName(program.layer)} (stack ${context.stack}); nothing was changed:\n${lines.join("\n")}`,
      ),
      parsed.error,
    );
  }
  const config = parsed.value;
  const entries = await Promise.all(
    Object.entries(program.reads as Upstreams).map(async ([layer, contract]) => {
      const name = upstreamStackName(layer as Layer, config, context);
      return [layer, await readContract(contract as Contract<Shape>, name)] as const;
    }),
  );
  const upstream = Object.fromEntries(entries) as UpstreamValues<U>;
  const input: LayerInput<L, U> = {
    config,
    upstream,
    stack: context.stack,
    createPlan: (plan) => {
      observer.plan?.(plan);
      return createPlan(plan);
    },
  };
  observer.input?.(input);
  return program.run(input);
};
