/**
 * The Pulumi entry point of a layer: `export default pulumiEntry(layer)` in programs/<layer>/index.ts.
 * Pulumi calls the function and takes what it returns as the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { rawConfigFromEntries } from "../config/stackFile.ts";
import type { AnyLayer } from "../core/layer.ts";
import { formatProblem } from "../core/problem.ts";
import { modeLine, withSkipAwait } from "../e2e.ts";
import { runLayer, type Wiring } from "./program.ts";

/** End-to-end mode only (lib/e2e.ts): one stack transform marks what needs running pods skipAwait. */
const enterE2eMode = (standInCharts: string): void => {
  pulumi.log.warn(modeLine(standInCharts));
  pulumi.runtime.registerResourceTransform(({ type, props, opts }) => {
    const marked = withSkipAwait(type, props as Record<string, unknown>);
    return marked ? { props: marked, opts } : undefined;
  });
};

/** `layer` may be a promise: the apps layer exists once its app modules are imported. */
export const pulumiEntry =
  (layer: AnyLayer | Promise<AnyLayer>, wiring: Wiring) => async (): Promise<object> => {
    if (wiring.run.standInCharts) enterE2eMode(wiring.run.standInCharts);
    const resolved = await layer;
    const raw = rawConfigFromEntries(
      wiring.schemas,
      resolved.layer,
      Object.entries(pulumi.runtime.allConfig()),
      pulumi.getStack(),
    );
    if (raw.isErr()) throw new pulumi.RunError(raw.error.map(formatProblem).join("\n"));
    const context = { stack: pulumi.getStack(), organization: pulumi.getOrganization() };
    return runLayer(resolved, raw.value, context, wiring);
  };
