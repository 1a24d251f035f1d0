/** withResources: CPU and memory quantities, and requests within limits. */
import type { Problem } from "../../core/problem.ts";
import { bytes, millicores } from "../../k8s/quantity.ts";
import { type AppSpec, effectiveResources, type Quantities } from "../spec.ts";
import { type AppRule, inApp, when } from "./rule.ts";

/** Each resource, how to read its quantity, and an example of a good one. */
const KINDS = [
  { resource: "cpu", read: millicores, name: "CPU", example: "250m or 1" },
  { resource: "memory", read: bytes, name: "memory", example: "256Mi" },
] as const;

const quantityProblems = (spec: AppSpec, kind: string, q: Quantities): Problem[] =>
  KINDS.flatMap(({ resource, read, name, example }) => {
    const value = q[resource];
    return when(value !== undefined && read(value) === undefined, () =>
      inApp(
        spec,
        "withResources",
        `${kind}.${resource} ${JSON.stringify(value)} is not a ${name} quantity`,
        `write e.g. ${example}`,
      ),
    );
  });

const over = (request?: number, limit?: number): boolean =>
  request !== undefined && limit !== undefined && request > limit;

export const resourcesRule: AppRule = (spec) => {
  const { requests, limits } = effectiveResources(spec);
  return [
    ...quantityProblems(spec, "requests", requests),
    ...quantityProblems(spec, "limits", limits),
    ...KINDS.flatMap(({ resource, read }) =>
      when(over(read(requests[resource] ?? ""), read(limits[resource] ?? "")), () =>
        inApp(
          spec,
          "withResources",
          `requests.${resource} ${requests[resource]} is above limits.${resource} ${limits[resource]}`,
          "raise the limit or lower the request",
        ),
      ),
    ),
  ];
};
