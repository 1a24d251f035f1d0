/** A Deployment's own references: its selector, its mounts, and the Secrets, claims and ConfigMaps it reads. */
import type { Problem } from "../../../core/problem.ts";
import {
  broken,
  type Inventory,
  matches,
  type PodVolume,
  type SecretKeyRef,
  type WorkloadView,
} from "./inventory.ts";

/** Keys the CloudNativePG operator writes into `<cluster>-app` (components.md section 7). */
const CNPG_APP_SECRET_KEYS = [
  "username",
  "password",
  "host",
  "port",
  "dbname",
  "uri",
  "jdbc-uri",
  "fqdn-uri",
  "fqdn-jdbc-uri",
  "pgpass",
] as const;

export type WorkloadRule = (workload: WorkloadView, inventory: Inventory) => Problem[];

const at = (workload: WorkloadView, what: string): Problem => broken(workload.id, what);

const selectorRule: WorkloadRule = (workload) =>
  matches(workload.selector, workload.labels)
    ? []
    : [at(workload, "its selector does not match its pod labels")];

const mountsRule: WorkloadRule = (workload) => {
  const defined = new Set(workload.volumes.map((volume) => volume.name));
  return workload.containers
    .flatMap((container) => container.mounts)
    .filter((mount) => !defined.has(mount.volume))
    .map((mount) => at(workload, `mounts volume ${mount.volume}, which the pod does not define`));
};

/** A secret key read from a Secret of the app, or from the `<cluster>-app` Secret CloudNativePG writes. */
const secretRefProblem = (workload: WorkloadView, inventory: Inventory, ref: SecretKeyRef): Problem[] => {
  const secrets = inventory.find("Secret", workload.namespace, ref.secret);
  const [secret] = secrets;
  if (secrets.length === 1 && secret) {
    return inventory.keysOf(secret).includes(ref.key)
      ? []
      : [at(workload, `env ${ref.variable} reads key ${ref.key}, which Secret ${ref.secret} does not have`)];
  }
  const cluster = ref.secret.endsWith("-app")
    ? inventory.find("Cluster", workload.namespace, ref.secret.slice(0, -4))
    : [];
  if (cluster.length === 1) {
    return (CNPG_APP_SECRET_KEYS as readonly string[]).includes(ref.key)
      ? []
      : [
          at(
            workload,
            `env ${ref.variable} reads key ${ref.key}, which the CloudNativePG secret ${ref.secret} does not have`,
          ),
        ];
  }
  const provided = inventory.providedKeys(workload.namespace, ref.secret);
  if (provided !== undefined)
    return provided.includes(ref.key)
      ? []
      : [
          at(
            workload,
            `env ${ref.variable} reads key ${ref.key}, which the step writing ${ref.secret} does not write`,
          ),
        ];
  return [at(workload, `env ${ref.variable} reads Secret ${ref.secret}, which no object provides`)];
};

const secretRefsRule: WorkloadRule = (workload, inventory) =>
  workload.containers
    .flatMap((container) => container.secretRefs)
    .flatMap((ref) => secretRefProblem(workload, inventory, ref));

const claimsRule: WorkloadRule = (workload, inventory) =>
  workload.volumes.flatMap((volume) => {
    const claim = volume.persistentVolumeClaim?.claimName;
    return claim === undefined ||
      inventory.find("PersistentVolumeClaim", workload.namespace, claim).length === 1
      ? []
      : [at(workload, `volume ${volume.name} mounts claim ${claim}, which does not exist`)];
  });

/** A ConfigMap volume exists, and every file mounted from it (subPath) is one of its keys. */
const configMapProblems = (workload: WorkloadView, inventory: Inventory, volume: PodVolume): Problem[] => {
  const name = volume.configMap?.name;
  if (name === undefined) return [];
  const maps = inventory.find("ConfigMap", workload.namespace, name);
  const [map] = maps;
  if (maps.length !== 1 || !map)
    return [at(workload, `volume ${volume.name} uses ConfigMap ${name}, which does not exist`)];
  const keys = inventory.keysOf(map);
  return workload.containers
    .flatMap((container) => container.mounts)
    .filter(
      (mount) => mount.volume === volume.name && mount.subPath !== undefined && !keys.includes(mount.subPath),
    )
    .map((mount) => at(workload, `mounts ${mount.subPath} from ConfigMap ${name}, which has no such key`));
};

const configMapsRule: WorkloadRule = (workload, inventory) =>
  workload.volumes.flatMap((volume) => configMapProblems(workload, inventory, volume));

export const WORKLOAD_RULES: readonly WorkloadRule[] = [
  selectorRule,
  mountsRule,
  secretRefsRule,
  claimsRule,
  configMapsRule,
];
