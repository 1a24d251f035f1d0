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
