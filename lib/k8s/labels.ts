/**
 * The platform's label keys, one definition each. Ownership labels say what an object is part of
 * (an app, a namespace apps share, or a layer's own infrastructure) and which layer manages it:
 * `homelab-<layer>`, the layer's Pulumi project. No selector reads them, so changing one never
 * replaces an object (a Deployment's selector is immutable).
 */
import { type Layer, projectName } from "../core/layerNames.ts";

export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/**
 * What an object is part of, alone: for labels an operator copies onto objects it manages itself
 * (CloudNativePG's instance claims), where it sets its own `managed-by`.
 */
export const partOfLabel = (partOf: string): Record<string, string> => ({ [PART_OF_LABEL]: partOf });

export const ownerLabels = (partOf: string, layer: Layer): Record<string, string> => ({
  ...partOfLabel(partOf),
  [MANAGED_BY_LABEL]: projectName(layer),
});

/** A layer's own infrastructure (namespaces, classes, jobs): part of the layer itself. */
export const layerLabels = (layer: Layer): Record<string, string> => ownerLabels(projectName(layer), layer);

/** The pod label a shared load balancer selects: every app declaring it serves it. */
export const LOAD_BALANCER_LABEL = "homelab/load-balancer";

/** On an app's Ingress: `public` or `private`. */
export const EXPOSURE_LABEL = "homelab/exposure";
