/** The Namespace: the one place a namespace object, with its Pod Security level, is built. */
import { type CoreObject, kindId } from "../core/plan.ts";
import { type PodSecurityLevel, podSecurityLabels } from "./talos.ts";

export interface NamespaceOptions {
  labels?: Readonly<Record<string, string>>;
  /** Enforced, audited and warned; absent leaves Talos's cluster default (`baseline`). */
  podSecurity?: PodSecurityLevel;
}

export const namespaceObject = (
  name: string,
  options: NamespaceOptions = {},
): CoreObject<"v1/Namespace"> => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name,
    labels: {
      ...options.labels,
      ...(options.podSecurity === undefined ? {} : podSecurityLabels(options.podSecurity)),
    },
  },
});

/** The plan id of a Namespace: what everything in it waits for. */
export const namespaceId = (name: string): string => kindId("Namespace", undefined, name);
