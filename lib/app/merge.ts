/** Objects several apps render alike (a namespace they share, a shared load balancer), kept once. */
import { err, ok, type Result } from "neverthrow";
import type { PlannedObject } from "../core/plan.ts";
import { type Problem, problem } from "../core/problem.ts";

/**
 * The objects of several apps as one list: an object two apps both render (the Namespace they
 * share, a shared load balancer) is kept once, stateful if either copy is; two different objects
 * under one id are a conflict.
 */
export const mergeAppObjects = (lists: readonly PlannedObject[][]): Result<PlannedObject[], Problem[]> => {
  const merged = new Map<string, PlannedObject>();
  const conflicts: Problem[] = [];
  for (const item of lists.flat()) {
    const seen = merged.get(item.id);
    if (seen === undefined) merged.set(item.id, item);
    else if (JSON.stringify(seen.object) !== JSON.stringify(item.object))
      conflicts.push(
        problem(
          { object: item.id },
          "is rendered differently by two apps",
          "apps sharing a namespace need the same Pod Security level: give them the same opt-outs, or their own namespaces",
        ),
      );
    else if (item.stateful && !seen.stateful) merged.set(item.id, { ...seen, stateful: true });
  }
  return conflicts.length > 0 ? err(conflicts) : ok([...merged.values()]);
};
