/**
 * The rendered objects as the reference checks see them: each kind read once into a typed view,
 * and indexes so every lookup is constant time (a scan per reference made the check quadratic:
 * ~1.9 s for 2,000 apps). The objects come from the app renderer; their shapes are proven by the
 * kubernetes-models tests, so a view reads a field with one generic accessor instead of re-checking it.
 */
import { type KubeObject, objectId, valueAt } from "../../../core/plan.ts";
import { type Problem, problem } from "../../../core/problem.ts";

export type Labels = Readonly<Record<string, string>>;

export interface SecretKeyRef {
  variable: string;
  secret: string;
  key: string;
}
interface Mount {
  volume: string;
  subPath?: string;
}
interface ContainerView {
  ports: readonly { name?: string; containerPort: number }[];
  secretRefs: readonly SecretKeyRef[];
  mounts: readonly Mount[];
}
export interface PodVolume {
  name: string;
  persistentVolumeClaim?: { claimName: string };
  configMap?: { name: string };
}
export interface WorkloadView {
  id: string;
  namespace: string;
  selector: Labels;
  labels: Labels;
  containers: readonly ContainerView[];
  volumes: readonly PodVolume[];
}
export interface ServicePortView {
  name?: string;
  port: number;
  targetPort?: string | number;
}
export interface ServiceView {
  id: string;
  namespace: string;
  selector: Labels;
  ports: readonly ServicePortView[];
}
interface Backend {
  name: string;
  port: { name?: string; number?: number };
}
export interface IngressView {
  id: string;
  namespace: string;
  /** One per path; undefined for a path without a service backend. */
  backends: readonly (Backend | undefined)[];
}
export interface VolumeView {
  id: string;
  name: string;
  claimRef?: { namespace?: string; name?: string };
  storageClassName?: string;
  reclaimPolicy?: string;
}
export interface ClaimView {
  id: string;
  volumeName?: string;
  storageClassName?: string;
}

/** A field of a rendered object, typed by the caller (see the module comment for why that is safe). */
const field = <T>(object: unknown, path: string): T | undefined => valueAt(object, path) as T | undefined;

const namespaceOf = (object: KubeObject): string => object.metadata.namespace ?? "";

interface RawContainer {
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  volumeMounts?: { name: string; subPath?: string }[];
}

const containerView = (container: RawContainer): ContainerView => ({
  ports: container.ports ?? [],
  secretRefs: (container.env ?? []).flatMap(({ name, valueFrom }) => {
    const ref = valueFrom?.secretKeyRef;
    return ref ? [{ variable: name, secret: ref.name, key: ref.key }] : [];
  }),
  mounts: (container.volumeMounts ?? []).map(({ name, subPath }) => ({ volume: name, subPath })),
});

const workloadView = (object: KubeObject): WorkloadView => ({
  id: objectId(object),
  namespace: namespaceOf(object),
  selector: field<Labels>(object, "spec.selector.matchLabels") ?? {},
  labels: field<Labels>(object, "spec.template.metadata.labels") ?? {},
  containers: (field<RawContainer[]>(object, "spec.template.spec.containers") ?? []).map(containerView),
  volumes: field<PodVolume[]>(object, "spec.template.spec.volumes") ?? [],
});

export const serviceView = (object: KubeObject): ServiceView => ({
  id: objectId(object),
  namespace: namespaceOf(object),
  selector: field<Labels>(object, "spec.selector") ?? {},
  ports: field<ServicePortView[]>(object, "spec.ports") ?? [],
});

const ingressView = (object: KubeObject): IngressView => ({
  id: objectId(object),
  namespace: namespaceOf(object),
  backends: (
    field<{ http?: { paths?: { backend?: { service?: Backend } }[] } }[]>(object, "spec.rules") ?? []
  )
    .flatMap((rule) => rule.http?.paths ?? [])
    .map((path) => path.backend?.service),
});

const volumeView = (object: KubeObject): VolumeView => ({
  id: objectId(object),
  name: object.metadata.name,
  claimRef: field(object, "spec.claimRef"),
  storageClassName: field(object, "spec.storageClassName"),
  reclaimPolicy: field(object, "spec.persistentVolumeReclaimPolicy"),
});

export const claimView = (object: KubeObject): ClaimView => ({
  id: objectId(object),
  volumeName: field(object, "spec.volumeName"),
  storageClassName: field(object, "spec.storageClassName"),
});

export interface Inventory {
  workloads: readonly WorkloadView[];
  services: readonly ServiceView[];
  ingresses: readonly IngressView[];
  volumes: readonly VolumeView[];
  claims: readonly ClaimView[];
  /** Every object of a kind, namespace and name (more than one is itself a problem). */
  find(kind: string, namespace: string, name: string): readonly KubeObject[];
  workloadsIn(namespace: string): readonly WorkloadView[];
  /** The keys a Secret or ConfigMap holds. */
  keysOf(object: KubeObject): readonly string[];
  /** The keys of a Secret something else writes (the OIDC client step), if it writes that one. */
  providedKeys(namespace: string, name: string): readonly string[] | undefined;
  objects: readonly KubeObject[];
}

/** A Secret the deploy writes without an object of its own (the OIDC client step's, lib/oidc). */
export interface ProvidedSecret {
  namespace: string;
  name: string;
  keys: readonly string[];
}

const indexBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const list = index.get(key(item));
    if (list) list.push(item);
    else index.set(key(item), [item]);
  }
  return index;
};

const ofKind = <T>(objects: readonly KubeObject[], kind: string, view: (object: KubeObject) => T): T[] =>
  objects.filter((object) => object.kind === kind).map(view);

export const inventoryOf = (
  objects: readonly KubeObject[],
  provided: readonly ProvidedSecret[] = [],
): Inventory => {
  const byKey = indexBy(objects, (o) => `${o.kind}\0${namespaceOf(o)}\0${o.metadata.name}`);
  const workloads = ofKind(objects, "Deployment", workloadView);
  const workloadsByNamespace = indexBy(workloads, (w) => w.namespace);
  return {
    workloads,
    services: ofKind(objects, "Service", serviceView),
    ingresses: ofKind(objects, "Ingress", ingressView),
    volumes: ofKind(objects, "PersistentVolume", volumeView),
    claims: ofKind(objects, "PersistentVolumeClaim", claimView),
    find: (kind, namespace, name) => byKey.get(`${kind}\0${namespace}\0${name}`) ?? [],
    workloadsIn: (namespace) => workloadsByNamespace.get(namespace) ?? [],
    keysOf: (object) =>
      Object.keys(field<Record<string, unknown>>(object, "stringData") ?? field(object, "data") ?? {}),
    providedKeys: (namespace, name) =>
      provided.find((secret) => secret.namespace === namespace && secret.name === name)?.keys,
    objects,
  };
};

export const matches = (selector: Labels, labels: Labels): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

/**
 * A reference that does not resolve. App specs cannot name these objects directly, so a broken
 * reference is the builders' fault, not the user's: the fix says where to report it.
 */
export const broken = (id: string, what: string): Problem =>
  problem(
    { object: id },
    what,
    "the app builders (lib/app/) made objects that do not fit together: report it with the app's file",
  );
