/**
 * The deploy the preflight reasons about: every layer's plan in deploy order, as steps. A step is
 * in place for another when its layer deployed earlier, or when the other waits for it in the same
 * layer (Pulumi creates independent items of one layer in parallel, so plan order means nothing).
 */

import type { Layer } from "../core/layerNames.ts";
import { isRelease, type KubeObject, type Plan, type PlanItem, type PlannedRelease } from "../core/plan.ts";
import type { Where } from "../core/problem.ts";
import { PULUMI_SKIP_AWAIT } from "../k8s/annotations.ts";

export interface LayerPlan {
  layer: Layer;
  plan: Plan;
}

export interface Step {
  layer: Layer;
  /** The layer's position in the deploy. */
  rank: number;
  item: PlanItem;
}

export interface ObjectStep extends Step {
  object: KubeObject;
}

export interface ReleaseStep extends Step {
  release: PlannedRelease;
}

export interface Deploy {
  objects: ObjectStep[];
  releases: ReleaseStep[];
  /** Whether `earlier` exists by the time `later` is created. */
  inPlaceFor(earlier: Step, later: Step): boolean;
}

export const modelDeploy = (layers: readonly LayerPlan[]): Deploy => {
  const objects: ObjectStep[] = [];
  const releases: ReleaseStep[] = [];
  const byLayer = new Map<Layer, Map<string, PlanItem>>();
  layers.forEach(({ layer, plan }, rank) => {
    const items = new Map<string, PlanItem>();
    for (const item of [...plan.releases, ...plan.objects]) {
      items.set(item.id, item);
      if (isRelease(item)) releases.push({ layer, rank, item, release: item });
      else objects.push({ layer, rank, item, object: item.object });
    }
    byLayer.set(layer, items);
  });
  const waits = new Map<string, Set<string>>();
  const waitsFor = (layer: Layer, id: string): Set<string> => {
    const key = `${layer}\0${id}`;
    const cached = waits.get(key);
    if (cached) return cached;
    const seen = new Set<string>();
    waits.set(key, seen);
    for (const next of byLayer.get(layer)?.get(id)?.after ?? []) {
      seen.add(next);
      for (const further of waitsFor(layer, next)) seen.add(further);
    }
    return seen;
  };
  return {
    objects,
    releases,
    inPlaceFor: (earlier, later) =>
      earlier.rank < later.rank ||
      (earlier.rank === later.rank && waitsFor(later.layer, later.item.id).has(earlier.item.id)),
  };
};

/** Where a preflight problem is: the layer and the plan id (the Pulumi resource name) at fault. */
export const placeOf = (step: Step): Where => ({ layer: step.layer, object: step.item.id });

/** The provider does not wait for this object to become ready. */
export const skipsAwait = (object: KubeObject): boolean =>
  object.metadata.annotations?.[PULUMI_SKIP_AWAIT] === "true";

export const describe = (object: KubeObject): string =>
  `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;
