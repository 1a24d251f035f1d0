import { err, ok } from "neverthrow";
import type { Layer } from "../core/layerNames.ts";
import { optional } from "./schema.ts";
import type { Parser } from "./values.ts";

const STACK_REF = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

const stackReferenceName: Parser<string> = (raw) =>
  STACK_REF.test(raw.trim())
    ? ok(raw.trim())
    : err({
        what: "is not a stack reference",
        fix: "write `stack`, `project/stack` or `organization/project/stack`",
      });

/**
 * The `<layer>_stack` key a downstream layer uses to override where it reads `layer` from.
 * Unset, the reference is derived: the same stack name in the upstream project.
 */
export const upstreamStackKey = (layer: Layer) =>
  optional(stackReferenceName, {
    doc: `Stack to read the ${layer} layer's outputs from, instead of the same stack name in homelab-${layer}`,
    type: "stack reference",
    example: `organization/homelab-${layer}/home`,
  });
