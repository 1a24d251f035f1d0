/**
 * Reference integrity of rendered objects, checked before any resource is created: every Ingress
 * reaches a Service port that reaches a container port, Service and Deployment selectors match
 * pod labels, every mounted claim, ConfigMap and Secret key exists, and static PVs and PVCs point
 * at each other. A reference that could resolve two ways is an error, never a guess. One rule per
 * concern; each is tested on its own by breaking one reference of a rendered app.
 */
import { type KubeObject, objectId } from "../../../core/plan.ts";
import type { Problem } from "../../../core/problem.ts";
import { broken, inventoryOf, type ProvidedSecret } from "./inventory.ts";
import { ingressRule, serviceRule } from "./services.ts";
import { claimRule, volumeRule } from "./volumes.ts";
import { WORKLOAD_RULES } from "./workloads.ts";

/** Two objects of one apiVersion, kind, namespace and name: one would overwrite the other. */
const duplicateRule = (objects: readonly KubeObject[]): Problem[] => {
  const seen = new Set<string>();
  const reported = new Set<string>();
  return objects.flatMap((object) => {
    const key = `${object.apiVersion} ${objectId(object)}`;
    if (!seen.has(key)) {
      seen.add(key);
      return [];
    }
    if (reported.has(key)) return [];
    reported.add(key);
    return [broken(objectId(object), `is defined more than once (${object.apiVersion})`)];
  });
};

export const checkReferences = (
  objects: readonly KubeObject[],
  provided: readonly ProvidedSecret[] = [],
): Problem[] => {
  const inventory = inventoryOf(objects, provided);
  return [
    ...inventory.workloads.flatMap((workload) => WORKLOAD_RULES.flatMap((rule) => rule(workload, inventory))),
    ...inventory.services.flatMap((service) => serviceRule(service, inventory)),
    ...inventory.ingresses.flatMap((ingress) => ingressRule(ingress, inventory)),
    ...inventory.volumes.flatMap((pv) => volumeRule(pv, inventory)),
    ...inventory.claims.flatMap((claim) => claimRule(claim, inventory)),
    ...duplicateRule(objects),
  ];
};
