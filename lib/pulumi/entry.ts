/**
 * The Pulumi entry point of a layer: `export default pulumiEntry(program)` in programs/<layer>/index.ts.
 * Pulumi calls the function and takes what it returns as the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { formatConfigError } from "../config/schema.ts";
import { rawConfigFromEntries } from "../config/stackFile.ts";
import { type AnyLayerProgram, runLayer } from "./program.ts";

export const pulumiEntry = (program: AnyLayerProgram) => async (): Promise<object> => {
  const raw = rawConfigFromEntries(
    program.layer,
    Object.entries(pulumi.runtime.allConfig()),
    pulumi.getStack(),
  );
  if (raw.isErr()) throw new pulumi.RunError(raw.error.map(formatConfigError).join("\n"));
  return runLayer(program, raw.value, { stack: pulumi.getStack(), organization: pulumi.getOrganization() });
};
