/** withResources: CPU and memory quantities, and requests within limits. */
import type { Problem } from "../../problem.ts";
import { bytes, millicores } from "../../quantity.ts";
import { type AppSpec, effectiveResources, type Quantities } from "../spec.ts";
import { type AppRule, inApp, when } from "./rule.ts";

const quantityProblems = (spec: AppSpec, kind: string, q: Quantities): Problem[] => [
  ...when(q.cpu !== undefined && millicores(q.cpu) === undefined, () =>
    inApp(
      spec,
      "withResources",
      `${kind}.cpu ${JSON.stringify(q.cpu)} is not a CPU quantity`,
      "write e.g. 250m or 1",
    ),
  ),
  ...when(q.memory !== undefined && bytes(q.memory) === undefined, () =>
    inApp(
      spec,
      "withResources",
      `${kind}.memory ${JSON.stringify(q.memory)} is not a memory quantity`,
      "write e.g. 256Mi",
    ),
  ),
];

const over = (request?: number, limit?: number): boolean =>
  request !== undefined && limit !== undefined && request > limit;

export const resourcesRule: AppRule = (spec) => {
  const { requests, limits } = effectiveResources(spec);
  return [
    ...quantityProblems(spec, "requests", requests),
    ...quantityProblems(spec, "limits", limits),
    ...when(over(millicores(requests.cpu ?? ""), millicores(limits.cpu ?? "")), () =>
      inApp(
        spec,
        "withResources",
        `requests.cpu ${requests.cpu} is above limits.cpu ${limits.cpu}`,
        "raise the limit or lower the request",
      ),
    ),
    ...when(over(bytes(requests.memory ?? ""), bytes(limits.memory ?? "")), () =>
      inApp(
        spec,
        "withResources",
        `requests.memory ${requests.memory} is above limits.memory ${limits.memory}`,
        "raise the limit or lower the request",
      ),
    ),
  ];
};
