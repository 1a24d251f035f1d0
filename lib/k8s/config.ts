/** Secret and ConfigMap: configuration handed to pods. */
import type { Secret } from "../config/secret.ts";
import type { CoreObject, ObjectMeta } from "../core/plan.ts";

/**
 * An Opaque Secret whose values stay config `Secret`s until the Pulumi edge reveals them straight
 * into Pulumi secrets (and the render redacts them).
 */
export const secretObject = (
  metadata: ObjectMeta,
  stringData: Readonly<Record<string, Secret>>,
): CoreObject<"v1/Secret"> => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata,
  type: "Opaque",
  stringData,
});

export const configMapObject = (
  metadata: ObjectMeta,
  data: Readonly<Record<string, string>>,
): CoreObject<"v1/ConfigMap"> => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata,
  data: { ...data },
});
