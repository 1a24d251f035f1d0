/**
 * ServiceAccount, (Cluster)Role and (Cluster)RoleBinding: what a pod may do with the Kubernetes API.
 */
import type { CoreObject } from "../core/plan.ts";

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Only these objects (create and list cannot be narrowed this way: the name is not known yet). */
  readonly resourceNames?: readonly string[];
}

const ruleObject = (rule: PolicyRule) => ({
  apiGroups: [...rule.apiGroups],
  resources: [...rule.resources],
  verbs: [...rule.verbs],
  ...(rule.resourceNames === undefined ? {} : { resourceNames: [...rule.resourceNames] }),
});

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
  rules: rules.map(ruleObject),
});

/** Permissions inside one namespace. */
export const roleObject = (
  metadata: { name: string; namespace: string; labels?: OptionalLabels },
  rules: readonly PolicyRule[],
): CoreObject<"rbac.authorization.k8s.io/v1/Role"> => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "Role",
  metadata: { name: metadata.name, namespace: metadata.namespace, ...labelled(metadata.labels) },
  rules: rules.map(ruleObject),
});

/** Grants a Role of its namespace to a ServiceAccount of any namespace. */
export const roleBindingObject = (
  metadata: { name: string; namespace: string; labels?: OptionalLabels },
  role: string,
  account: { name: string; namespace: string },
): CoreObject<"rbac.authorization.k8s.io/v1/RoleBinding"> => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  metadata: { name: metadata.name, namespace: metadata.namespace, ...labelled(metadata.labels) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
  subjects: [{ kind: "ServiceAccount", name: account.name, namespace: account.namespace }],
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
