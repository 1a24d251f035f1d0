/**
 * Structural checks for the storage layer's custom resources that kubernetes-models has no model
 * for. The fields and types are those of the Longhorn 1.12.1 RecurringJob CRD
 * (longhorn.io/v1beta2, spec.openAPIV3Schema); only what a RecurringJob spec may hold.
 */
type FieldCheck = (value: unknown) => string | undefined;

const string: FieldCheck = (v) => (typeof v === "string" ? undefined : "must be a string");
const integer: FieldCheck = (v) => (Number.isInteger(v) ? undefined : "must be an integer");
const stringList: FieldCheck = (v) =>
  Array.isArray(v) && v.every((item) => typeof item === "string") ? undefined : "must be a list of strings";
const stringMap: FieldCheck = (v) =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x === "string")
    ? undefined
    : "must be a map of strings";
const oneOf =
  (values: readonly string[]): FieldCheck =>
  (v) =>
    typeof v === "string" && values.includes(v) ? undefined : `must be one of ${values.join(", ")}`;

export const RECURRING_JOB_TASKS = [
  "snapshot",
  "snapshot-force-create",
  "snapshot-cleanup",
  "snapshot-delete",
  "backup",
  "backup-force-create",
  "filesystem-trim",
  "system-backup",
] as const;

/** spec properties of recurringjobs.longhorn.io v1beta2. */
export const RECURRING_JOB_SPEC_FIELDS: Readonly<Record<string, FieldCheck>> = {
  concurrency: integer,
  cron: string,
  groups: stringList,
  labels: stringMap,
  name: string,
  parameters: stringMap,
  retain: integer,
  task: oneOf(RECURRING_JOB_TASKS),
};

const CRON_FIELD = /^(\*|\d+(,\d+)*)$/;

/** Every problem of a RecurringJob object; empty when it fits the CRD (and what Longhorn checks). */
export const recurringJobProblems = (object: Record<string, unknown>): string[] => {
  const problems: string[] = [];
  if (object.apiVersion !== "longhorn.io/v1beta2") problems.push("apiVersion must be longhorn.io/v1beta2");
  if (object.kind !== "RecurringJob") problems.push("kind must be RecurringJob");
  for (const key of Object.keys(object)) {
    if (!["apiVersion", "kind", "metadata", "spec"].includes(key))
      problems.push(`unknown top-level field ${key}`);
  }
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name !== "string" || metadata.name === "") problems.push("metadata.name is missing");
  if (typeof metadata.namespace !== "string" || metadata.namespace === "")
    problems.push("metadata.namespace is missing (the CRD is namespaced)");
  const spec = object.spec;
  if (typeof spec !== "object" || spec === null) return [...problems, "spec is missing"];
  for (const [key, value] of Object.entries(spec)) {
    const check = RECURRING_JOB_SPEC_FIELDS[key];
    if (!check) {
      problems.push(`spec.${key} is not a RecurringJob field`);
      continue;
    }
    const problem = check(value);
    if (problem) problems.push(`spec.${key} ${problem}`);
  }
  const fields = spec as Record<string, unknown>;
  // Longhorn's own validation (datastore.ValidateRecurringJob): name, task and a standard cron.
  for (const key of ["name", "task", "cron"])
    if (fields[key] === undefined) problems.push(`spec.${key} is required`);
  const cron = String(fields.cron ?? "").split(" ");
  if (cron.length !== 5 || !cron.every((field) => CRON_FIELD.test(field)))
    problems.push(`spec.cron ${String(fields.cron)} is not a five-field cron`);
  if (fields.name !== metadata.name) problems.push("spec.name must equal metadata.name");
  return problems;
};

/** Fields of the top level, metadata and a required-field list, shared by the checks below. */
const objectShape = (
  object: Record<string, unknown>,
  expected: { apiVersion: string; kind: string; namespaced: boolean; topLevel: readonly string[] },
): string[] => {
  const problems: string[] = [];
  if (object.apiVersion !== expected.apiVersion) problems.push(`apiVersion must be ${expected.apiVersion}`);
  if (object.kind !== expected.kind) problems.push(`kind must be ${expected.kind}`);
  for (const key of Object.keys(object))
    if (!["apiVersion", "kind", "metadata", ...expected.topLevel].includes(key))
      problems.push(`unknown top-level field ${key}`);
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata.name !== "string" || metadata.name === "") problems.push("metadata.name is missing");
  if (expected.namespaced !== (typeof metadata.namespace === "string" && metadata.namespace !== ""))
    problems.push(
      `metadata.namespace ${expected.namespaced ? "is missing" : "must not be set (cluster-scoped)"}`,
    );
  return problems;
};

const fieldProblems = (
  at: string,
  value: Record<string, unknown>,
  fields: Readonly<Record<string, FieldCheck>>,
): string[] =>
  Object.entries(value).flatMap(([key, inner]) => {
    const check = fields[key];
    if (!check) return [`${at}.${key} is not a field of the CRD`];
    const problem = check(inner);
    return problem ? [`${at}.${key} ${problem}`] : [];
  });

const boolean: FieldCheck = (v) => (typeof v === "boolean" ? undefined : "must be a boolean");
const clusterRef: FieldCheck = (v) =>
  typeof (v as { name?: unknown } | null)?.name === "string" && Object.keys(v as object).length === 1
    ? undefined
    : "must be { name }";

/** Six fields, seconds first, as robfig/cron reads them (the CRD's description). */
const SIX_FIELD_CRON = /^(\S+ ){5}\S+$/;

/**
 * scheduledbackups.postgresql.cnpg.io v1 (chart cloudnative-pg 0.29.0): spec.cluster (required),
 * schedule (required), method, immediate, backupOwnerReference, online, suspend, target...
 */
export const scheduledBackupProblems = (object: Record<string, unknown>): string[] => {
  const problems = objectShape(object, {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "ScheduledBackup",
    namespaced: true,
    topLevel: ["spec"],
  });
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  problems.push(
    ...fieldProblems("spec", spec, {
      backupOwnerReference: oneOf(["none", "self", "cluster"]),
      cluster: clusterRef,
      immediate: boolean,
      method: oneOf(["barmanObjectStore", "volumeSnapshot", "plugin"]),
      online: boolean,
      schedule: string,
      suspend: boolean,
      target: oneOf(["primary", "prefer-standby"]),
    }),
  );
  for (const key of ["cluster", "schedule"])
    if (spec[key] === undefined) problems.push(`spec.${key} is required`);
  if (!SIX_FIELD_CRON.test(String(spec.schedule))) problems.push("spec.schedule is not a six-field cron");
  return problems;
};

/**
 * volumesnapshotclasses.snapshot.storage.k8s.io v1 (external-snapshotter v8.6.0
 * client/config/crd): top-level driver and deletionPolicy (required), parameters.
 */
export const volumeSnapshotClassProblems = (object: Record<string, unknown>): string[] => {
  const problems = objectShape(object, {
    apiVersion: "snapshot.storage.k8s.io/v1",
    kind: "VolumeSnapshotClass",
    namespaced: false,
    topLevel: ["driver", "deletionPolicy", "parameters"],
  });
  if (typeof object.driver !== "string") problems.push("driver is required");
  if (!["Delete", "Retain"].includes(String(object.deletionPolicy)))
    problems.push("deletionPolicy must be Delete or Retain");
  if (object.parameters !== undefined && stringMap(object.parameters))
    problems.push("parameters must be a map of strings");
  return problems;
};

/** The structural check of a backup object kubernetes-models has no model for; undefined for other kinds. */
export const backupObjectProblems = (object: Record<string, unknown>): string[] | undefined => {
  if (object.kind === "ScheduledBackup") return scheduledBackupProblems(object);
  if (object.kind === "VolumeSnapshotClass") return volumeSnapshotClassProblems(object);
  return undefined;
};
