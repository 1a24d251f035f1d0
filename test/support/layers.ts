/**
 * Runs one layer the way the Pulumi runner does (parse config, evaluate, refuse with every
 * problem), without Pulumi: the resources the edge would register, and the stack outputs.
 */

import type { RawConfig } from "../../lib/config/schema.ts";
import { type AnyLayer, evaluateLayer, refusal } from "../../lib/core/layer.ts";
import { projectName } from "../../lib/core/layerNames.ts";
import { planResources, type RecordedResource } from "../../lib/pulumi/resources.ts";
import { type KubernetesObject, type LayerDocuments, layerDocuments } from "../../lib/render/documents.ts";
import { parseConfig } from "../../programs/layers.ts";
import { TEST_RUN } from "./render.ts";

export interface LayerRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  notices: string[];
  documents: LayerDocuments;
  objects: KubernetesObject[];
}

const TEST_STACK = "test";

/** The layer's run on `raw` config and `reads`; throws what `pulumi up` would fail with. */
export const runLayerOffline = (layer: AnyLayer, raw: RawConfig, reads: object): LayerRun => {
  const config = parseConfig(layer.layer, raw);
  if (config.isErr()) throw new Error(refusal("config error(s)", config.error, layer.layer, TEST_STACK));
  const evaluated = evaluateLayer(layer, config.value, reads, TEST_RUN);
  if (evaluated.isErr()) throw new Error(refusal("problem(s)", evaluated.error, layer.layer, TEST_STACK));
  const { plan, exports, notices } = evaluated.value;
  const resources = planResources(plan, { project: projectName(layer.layer), stack: TEST_STACK });
  const documents = layerDocuments(resources);
  return {
    resources,
    outputs: exports as Record<string, unknown>,
    notices,
    documents,
    objects: documents.kubernetes.map(({ body }) => body),
  };
};
