/**
 * The volume guard: every object that holds data (or decides where data lives) is reduced to its
 * identity and the fields whose change would delete or replace it; a change against the committed
 * baseline is a finding that names the object, what changed and how to accept it on purpose.
 */
import type { RenderedLayer } from "../render/render.ts";

/** Kinds whose loss loses data, and the fields Kubernetes or the provider cannot change in place. */
const STATEFUL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  PersistentVolumeClaim: ["spec.storageClassName", "spec.accessModes", "spec.volumeName", "spec.selector"],
  PersistentVolume: [
    "spec.storageClassName",
    "spec.accessModes",
    "spec.nfs",
    "spec.csi",
    "spec.persistentVolumeReclaimPolicy",
  ],
  StorageClass: ["provisioner", "parameters", "reclaimPolicy", "volumeBindingMode", "mountOptions"],
  Cluster: ["spec.storage.storageClass", "spec.bootstrap", "spec.imageName"],
};

/** Where each kind keeps its size, which may grow but never shrink. */
const SIZE_FIELD: Readonly<Record<string, string>> = {
  PersistentVolumeClaim: "spec.resources.requests.storage",
  PersistentVolume: "spec.capacity.storage",
  Cluster: "spec.storage.size",
};

export interface StatefulRecord {
  /** `<layer>/<Kind>/<namespace>/<name>`: what Kubernetes knows it by. */
  id: string;
  /** The Pulumi resource name: renaming it makes Pulumi delete and recreate the object. */
  pulumiName: string;
  size?: string;
  fields: Record<string, string>;
}

export interface Finding {
  id: string;
  change: string;
  fix: string;
}

const at = (object: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);

/** Stable text for any value, with map keys sorted, so equal values compare equal. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  ) ?? "null";

const isStateful = (kind: string, apiVersion: string): boolean =>
  kind in STATEFUL_FIELDS && (kind !== "Cluster" || apiVersion.startsWith("postgresql.cnpg.io/"));

export const statefulRecords = (
  layers: readonly Pick<RenderedLayer, "layer" | "documents">[],
): StatefulRecord[] =>
  layers
    .flatMap(({ layer, documents }) =>
      documents.kubernetes
        .filter(({ body }) => isStateful(body.kind, body.apiVersion))
        .map(({ body, resource }) => {
          const size = SIZE_FIELD[body.kind] ? at(body, SIZE_FIELD[body.kind] ?? "") : undefined;
          const fields = Object.fromEntries(
            (STATEFUL_FIELDS[body.kind] ?? [])
              .map((path) => [path, at(body, path)] as const)
              .filter(([, value]) => value !== undefined)
              .map(([path, value]) => [path, canonical(value)]),
          );
          return {
            id: `${layer}/${body.kind}/${body.metadata.namespace ?? "-"}/${body.metadata.name ?? "?"}`,
            pulumiName: resource.name,
            ...(typeof size === "string" ? { size } : {}),
            fields,
          };
        }),
    )
    .sort((a, b) => a.id.localeCompare(b.id));

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Bytes in a Kubernetes quantity such as `10Gi` or `500M`; NaN when it is not one. */
export const quantityBytes = (quantity: string): number => {
  const match = /^(\d+(?:\.\d+)?)([kMGTP]i?)?$/.exec(quantity.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (UNITS[match[2] ?? ""] ?? Number.NaN);
};

const ACCEPT =
  "if this is intended, back the data up, then accept it: bun run guard --accept (commit the new baseline with the change)";

const sameFields = (a: StatefulRecord, b: StatefulRecord): boolean =>
  a.id.split("/")[1] === b.id.split("/")[1] && canonical(a.fields) === canonical(b.fields);

/** Every change from `baseline` to `current` that would delete, replace or shrink stored data. */
export const compareStateful = (
  baseline: readonly StatefulRecord[],
  current: readonly StatefulRecord[],
): Finding[] => {
  const now = new Map(current.map((record) => [record.id, record]));
  const before = new Map(baseline.map((record) => [record.id, record]));
  const added = current.filter((record) => !before.has(record.id));
  const findings: Finding[] = [];
  const renamed = new Set<string>();

  for (const old of baseline) {
    const record = now.get(old.id);
    if (!record) {
      const renamedTo = added.find((candidate) => !renamed.has(candidate.id) && sameFields(old, candidate));
      if (renamedTo) renamed.add(renamedTo.id);
      findings.push({
        id: old.id,
        change: renamedTo
          ? `is renamed to ${renamedTo.id}: Kubernetes sees a deletion and a new, empty object`
          : "is deleted: its data would be lost",
        fix: renamedTo ? `keep the old name, or ${ACCEPT}` : `restore the code that created it, or ${ACCEPT}`,
      });
      continue;
    }
    if (record.pulumiName !== old.pulumiName) {
      findings.push({
        id: old.id,
        change: `changes its Pulumi resource name from ${old.pulumiName} to ${record.pulumiName}: Pulumi would delete and recreate it`,
        fix: `keep the Pulumi name, or add an alias ({ aliases: [{ name: "${old.pulumiName}" }] }), or ${ACCEPT}`,
      });
    }
    for (const field of new Set([...Object.keys(old.fields), ...Object.keys(record.fields)])) {
      if (old.fields[field] !== record.fields[field]) {
        findings.push({
          id: old.id,
          change: `changes ${field} from ${old.fields[field] ?? "unset"} to ${record.fields[field] ?? "unset"}: the object would be replaced`,
          fix: `migrate the data to a new object instead, or ${ACCEPT}`,
        });
      }
    }
    if (old.size && record.size && quantityBytes(record.size) < quantityBytes(old.size)) {
      findings.push({
        id: old.id,
        change: `shrinks from ${old.size} to ${record.size}: volumes cannot shrink`,
        fix: `keep ${old.size} or more, or ${ACCEPT}`,
      });
    }
  }
  for (const record of added.filter((candidate) => !renamed.has(candidate.id))) {
    findings.push({
      id: record.id,
      change: "is new and not yet in the baseline, so nothing would stop its later loss",
      fix: "record it: bun run guard --accept (commit the new baseline with the change)",
    });
  }
  return findings;
};

export const formatFinding = (finding: Finding): string =>
  `${finding.id} ${finding.change}.\n    fix: ${finding.fix}`;
