/**
 * The CloudNativePG operator (chart cloudnative-pg 0.29.0, operator 1.30.0). Keys are those of the
 * chart's values.schema.json; Postgres clusters themselves are `Cluster` CRs the apps layer creates.
 */
import { CONTROL_PLANE_TOLERATION } from "../../k8s/talos.ts";
import { namespace } from "./common.ts";
import { CLOUDNATIVE_PG } from "./versions.ts";

const CNPG_NAMESPACE = CLOUDNATIVE_PG.namespace;

/** Operator and instance pods run non-root with seccomp RuntimeDefault: Talos' baseline is enough. */
export const cnpgNamespace = () => namespace(CNPG_NAMESPACE);

export const cloudnativePgValues = () => ({
  replicaCount: 1,
  tolerations: [CONTROL_PLANE_TOLERATION],
  resources: {
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { memory: "512Mi" },
  },
  crds: { create: true },
  config: { clusterWide: true },
  monitoring: {
    podMonitorEnabled: false,
    grafanaDashboard: { create: false },
  },
});
