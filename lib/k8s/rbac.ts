/** ServiceAccount, ClusterRole and ClusterRoleBinding: what a pod may do with the Kubernetes API. */
import type { CoreObject } from "../core/plan.ts";

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

type OptionalLabels = Readonly<Record<string, string>> | undefined;

const labelled = (labels: OptionalLabels) => (labels === undefined ? {} : { labels: { ...labels } });

export const serviceAccountObject = (
  name: string,
  namespace: string,
  labels?: OptionalLabels,
): CoreObject<"v1/ServiceAccount"> => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace, ...labelled(labels) },
});

export const clusterRoleObject = (
  name: string,
  rules: readonly PolicyRule[],
  labels?: OptionalLabels,
): CoreObject<"rbac.authorization.k8s.io/v1/ClusterRole"> => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name, ...labelled(labels) },
  rules: rules.map((rule) => ({
    apiGroups: [...rule.apiGroups],
    resources: [...rule.resources],
    verbs: [...rule.verbs],
  })),
});

/** Grants a ClusterRole to one ServiceAccount. */
export const clusterRoleBindingObject = (
  name: string,
  role: string,
  account: { name: string; namespace: string },
  labels?: OptionalLabels,
): CoreObject<"rbac.authorization.k8s.io/v1/ClusterRoleBinding"> => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name, ...labelled(labels) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: [{ kind: "ServiceAccount", name: account.name, namespace: account.namespace }],
});
