/** Small pieces every part of the storage layer shares. */

import type { CoreObject } from "../../core/plan.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { namespaceObject } from "../../k8s/namespace.ts";
import type { PodSecurityLevel } from "../../k8s/talos.ts";

export const namespace = (name: string, podSecurity?: PodSecurityLevel): CoreObject<"v1/Namespace"> =>
  namespaceObject(name, {
    labels: layerLabels("storage"),
    ...(podSecurity ? { podSecurity } : {}),
  });
