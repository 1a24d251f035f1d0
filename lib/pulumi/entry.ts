/**
 * The Pulumi entry point of a layer: `export default pulumiEntry(layer)` in programs/<layer>/index.ts.
 * Pulumi calls the function (with no argument) and takes what it returns as the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { rawConfigFromEntries } from "../config/stackFile.ts";
import type { AnyLayer } from "../core/layer.ts";
import { formatProblem } from "../core/problem.ts";
import { runLayer, type Wiring } from "./program.ts";

/**
 * `layer` may be a promise: the apps layer exists once its app modules are imported. A caller that
 * runs the program itself (bun run e2e's inline path, harness/e2eInline.ts) may give the charts'
 * source; Pulumi gives nothing, so a deploy installs the pinned charts.
 */
export const pulumiEntry =
  (layer: AnyLayer | Promise<AnyLayer>, wiring: Wiring) =>
  async (swap: Pick<Wiring, "charts"> = {}): Promise<object> => {
    const resolved = await layer;
    const raw = rawConfigFromEntries(
      wiring.schemas,
      resolved.layer,
      Object.entries(pulumi.runtime.allConfig()),
      pulumi.getStack(),
    );
    if (raw.isErr()) throw new pulumi.RunError(raw.error.map(formatProblem).join("\n"));
    const context = { stack: pulumi.getStack(), organization: pulumi.getOrganization() };
    return runLayer(resolved, raw.value, context, { ...wiring, ...swap });
  };
