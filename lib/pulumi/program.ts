/**
 * The one way a layer deploys (lib/core/layer.ts): parse its config, read the contracts of earlier
 * layers, evaluate the layer's pure functions, and only then create resources, through the one
 * edge (createPlan). Every problem is reported before the first resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseLayer, type StackSchemas } from "../config/registry.ts";
import type { RawConfig } from "../config/schema.ts";
import { type Contract, type ContractValues, type Shape, validateContract } from "../core/contracts.ts";
import {
  type AnyLayer,
  evaluateLayer,
  type RunContext,
  refusal,
  type StackContext,
  upstreamStackName,
} from "../core/layer.ts";
import type { Layer } from "../core/layerNames.ts";
import type { PlannedExternal } from "../core/plan.ts";
import { formatProblem, type Problem } from "../core/problem.ts";
import { createPlan } from "./createPlan.ts";
import { type ChartSource, pinnedChart } from "./resources.ts";

/**
 * Creates a layer's resources outside the cluster (the network layer's Cloudflare record) with the
 * layer's own provider; awaited before anything else, so a failed lookup changes nothing.
 */
export type ExternalEdge = (items: readonly PlannedExternal[], config: never) => Promise<void>;

/** What a layer's program is wired with: every layer's schema (for "did you mean"), its external edge. */
export interface Wiring {
  schemas: StackSchemas;
  external?: ExternalEdge;
  /** The run's year, read by the program's entry (programs/layers.ts). */
  run: RunContext;
  /**
   * Where the releases' charts come from; absent, the pinned charts from their repositories. The
   * one thing a test harness may swap: `bun run e2e` passes its offline stand-ins (lib/pulumi/entry.ts).
   */
  charts?: ChartSource;
}

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
    throw new pulumi.RunError(
      `The ${contract.layer} stack ${stackName} does not provide what this layer needs:\n${lines.join("\n")}`,
    );
  }
  return result.value;
};

const readContracts = async (layer: AnyLayer, config: object, context: StackContext): Promise<object> =>
  Object.fromEntries(
    await Promise.all(
      Object.entries(layer.reads).map(async ([upstream, contract]) => [
        upstream,
        await readContract(contract, upstreamStackName(upstream as Layer, config, context)),
      ]),
    ),
  );

const refuse = (kind: string, problems: readonly Problem[], context: StackContext, layer: Layer): never => {
  throw new pulumi.RunError(refusal(kind, problems, layer, context.stack));
};

/** Runs a layer under Pulumi; returns its stack outputs. */
export const runLayer = async (
  layer: AnyLayer,
  raw: RawConfig,
  context: StackContext,
  { schemas, external, run, charts = pinnedChart }: Wiring,
): Promise<object> => {
  const parsed = parseLayer(schemas, layer.layer, raw);
  if (parsed.isErr()) return refuse("config error(s)", parsed.error, context, layer.layer);
  const reads = await readContracts(layer, parsed.value, context);
  const evaluated = evaluateLayer(layer, parsed.value, reads, run);
  if (evaluated.isErr()) return refuse("problem(s)", evaluated.error, context, layer.layer);
  const { plan, exports, notices } = evaluated.value;
  const outside = plan.external ?? [];
  if (outside.length > 0) {
    if (!external) throw new Error(`${layer.layer}: the plan has resources outside the cluster but no edge`);
    // The edge takes the layer's own config type (`never` here, as AnyLayer erases it); the config
    // was just parsed with this layer's schema, so it is that type.
    await external(outside, parsed.value as never);
  }
  createPlan(plan, charts);
  for (const notice of notices) pulumi.log.warn(notice);
  return exports;
};
