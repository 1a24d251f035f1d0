/** Objects apps render alike (a namespace they share): one copy, or the conflicts between copies. */
import { mergeAppObjects } from "../../app/merge.ts";
import type { Problem } from "../../core/problem.ts";
import type { PlannedApp } from "./plan.ts";

/** Apps sharing a namespace each render it: the first app that renders an object keeps it. */
export const sharedOnce = (planned: readonly PlannedApp[]): { apps: PlannedApp[]; conflicts: Problem[] } =>
  mergeAppObjects(planned.map((p) => p.objects)).match(
    (merged) => {
      const byId = new Map(merged.map((item) => [item.id, item]));
      const kept = new Set<string>();
      const apps = planned.map((p) => ({
        ...p,
        objects: p.objects.flatMap((item) => {
          if (kept.has(item.id)) return [];
          kept.add(item.id);
          return [byId.get(item.id) ?? item];
        }),
      }));
      return { apps, conflicts: [] };
    },
    (conflicts) => ({ apps: [...planned], conflicts }),
  );
