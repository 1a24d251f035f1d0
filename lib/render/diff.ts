/**
 * The change report of `bun run diff`: two renders' output files compared object by object, by
 * Pulumi resource id, with what a deploy does to each: create, update in place, replace (delete and
 * create again) or delete. Which fields force a replacement is the one table (lib/guard/rules.ts);
 * which objects hold data is the volume guard's notion, so a replaced or deleted claim, volume,
 * database or namespace holding them is reported first, as data loss. Helm releases
 * (helm.v4.Chart) are components: a change of values, chart or version upgrades them in place (the
 * render does not see inside charts; the values the guard knows become a StorageClass's fields are
 * flagged); a release whose id changes is deleted and installed again.
 */
import { parseAllDocuments } from "yaml";
import { dataHolders } from "../guard/records.ts";
import { chartReplaceValues, externalChangeAction, fieldChangeAction, sizeFieldsOf } from "../guard/rules.ts";
import { bytes } from "../k8s/quantity.ts";
import type { KubernetesObject } from "./documents.ts";

type Section = "kubernetes" | "helm" | "external";

/** One document of a render: where it is, its Pulumi type and name (its id), its body. */
export interface RenderedEntry {
  layer: string;
  section: Section;
  type: string;
  name: string;
  protect: boolean;
  body: Record<string, unknown>;
}

type Action = "create" | "update" | "replace" | "delete";

interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
  /** Why this field matters to the deploy: it forces a replacement, a volume would shrink, ... */
  note?: string;
}

export interface ObjectChange {
  layer: string;
  type: string;
  name: string;
  /** Kubernetes kind, namespace and name in plain words (`PersistentVolumeClaim demo/demo-data`). */
  label: string;
  action: Action;
  fields: FieldChange[];
  /** Whether it holds data (a claim, volume, database, or a namespace holding one). */
  holdsData: boolean;
  protect: boolean;
  /** For a deleted object holding data: the new object of the same kind that looks like its new name. */
  renamedTo?: string;
}

const SECTIONS: Readonly<Record<string, Section>> = {
  ".helm.yaml": "helm",
  ".external.yaml": "external",
  ".yaml": "kubernetes",
};

const sectionOf = (file: string): { layer: string; section: Section } | undefined => {
  for (const [suffix, section] of Object.entries(SECTIONS)) {
    if (file.endsWith(suffix)) return { layer: file.slice(0, -suffix.length), section };
  }
  return undefined;
};

const HEADER = /^# (\S+) (\S+)(?: \((.*)\))?$/m;

/**
 * The documents of a render's files (file name to text, as in `out/`): each one's `# <type> <name>`
 * comment line gives its id. A file of `# (none)` has none.
 */
export const parseRenderFiles = (files: Readonly<Record<string, string>>): RenderedEntry[] =>
  Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([file, text]) => {
      const where = sectionOf(file);
      if (!where) return [];
      return text.split(/^---\n/m).flatMap((document) => {
        const header = HEADER.exec(document);
        if (!header) return [];
        const body = parseAllDocuments(document)[0]?.toJS() as Record<string, unknown> | null;
        return [
          {
            ...where,
            type: header[1] ?? "",
            name: header[2] ?? "",
            protect: (header[3] ?? "").includes("protected"),
            body: body ?? {},
          },
        ];
      });
    });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every leaf that differs, by dotted path (array items by index); a subtree present on one side only is one change. */
const fieldChanges = (before: unknown, after: unknown, path = ""): FieldChange[] => {
  const at = (key: string) => (path === "" ? key : `${path}.${key}`);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key], after[key], at(key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) =>
      fieldChanges(before[index], after[index], at(String(index))),
    ).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [
    {
      path,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
    },
  ];
};

const labelOf = (entry: RenderedEntry): string => {
  if (entry.section === "kubernetes") {
    const { kind, metadata } = entry.body as KubernetesObject;
    return `${kind} ${metadata?.namespace ? `${metadata.namespace}/` : ""}${metadata?.name ?? "?"}`;
  }
  if (entry.section === "helm")
    return `Helm release ${String(entry.body.namespace)}/${String(entry.body.name)} (chart ${String(entry.body.chart)})`;
  return `${entry.type} ${entry.name}`;
};

const holderKey = (entry: RenderedEntry): string => {
  const { kind, metadata } = entry.body as KubernetesObject;
  return `${kind}/${metadata?.namespace ?? "-"}/${metadata?.name ?? "?"}`;
};

const holdersOf = (entries: readonly RenderedEntry[]): Map<string, Set<string>> => {
  const layers = new Map<string, KubernetesObject[]>();
  for (const entry of entries.filter((e) => e.section === "kubernetes")) {
    layers.set(entry.layer, [...(layers.get(entry.layer) ?? []), entry.body as KubernetesObject]);
  }
  return new Map([...layers].map(([layer, objects]) => [layer, dataHolders(objects)]));
};

const REPLACES = "cannot change in place: forces a replacement";
/** The notes of a Kubernetes object's changed field: a replacement it forces, a shrink Kubernetes refuses. */
const kubernetesNotes = (body: KubernetesObject, change: FieldChange): FieldChange => {
  if (fieldChangeAction(body, change.path) === "replace") return { ...change, note: REPLACES };
  if (sizeFieldsOf(body).includes(change.path)) {
    const [was, now] = [change.before, change.after].map((v) =>
      typeof v === "string" ? bytes(v) : undefined,
    );
    if (was !== undefined && now !== undefined && now < was)
      return { ...change, note: "a volume cannot shrink: Kubernetes refuses it and the deploy fails" };
  }
  return change;
};

const helmNotes = (chart: string, change: FieldChange): FieldChange =>
  chartReplaceValues(chart).some((path) => change.path === `values.${path}`)
    ? { ...change, note: `the ${chart} chart's StorageClass cannot change in place: it is replaced` }
    : change;

/** A changed field with its note, by the kind of document: Kubernetes object, Helm release, external resource. */
const noted = (entry: RenderedEntry, field: FieldChange): FieldChange => {
  if (entry.section === "kubernetes") return kubernetesNotes(entry.body as KubernetesObject, field);
  if (entry.section === "helm") return helmNotes(String(entry.body.chart), field);
  return externalChangeAction(entry.type, field.path) === "replace" ? { ...field, note: REPLACES } : field;
};

const entryId = (entry: RenderedEntry): string => `${entry.layer}\0${entry.type}\0${entry.name}`;

/** What a deploy of `current` over `base` would do, object by object (unchanged objects left out). */
export const diffRenders = (
  base: readonly RenderedEntry[],
  current: readonly RenderedEntry[],
): ObjectChange[] => {
  const before = new Map(base.map((entry) => [entryId(entry), entry]));
  const after = new Map(current.map((entry) => [entryId(entry), entry]));
  const [baseHolders, currentHolders] = [holdersOf(base), holdersOf(current)];
  const holds = (holders: Map<string, Set<string>>, entry: RenderedEntry) =>
    entry.section === "kubernetes" && (holders.get(entry.layer)?.has(holderKey(entry)) ?? false);
  const change = (
    entry: RenderedEntry,
    action: Action,
    fields: FieldChange[],
    holdsData: boolean,
  ): ObjectChange => ({
    layer: entry.layer,
    type: entry.type,
    name: entry.name,
    label: labelOf(entry),
    action,
    fields,
    holdsData,
    protect: entry.protect,
  });

  const changes: ObjectChange[] = [];
  for (const [id, old] of before) {
    const now = after.get(id);
    if (!now) {
      changes.push(change(old, "delete", [], holds(baseHolders, old)));
      continue;
    }
    const fields = fieldChanges(old.body, now.body).map((field) => noted(old, field));
    if (fields.length === 0) continue;
    const replaced = fields.some((field) => field.note?.includes("replacement"));
    changes.push(change(old, replaced ? "replace" : "update", fields, holds(baseHolders, old)));
  }
  const created = [...after].filter(([id]) => !before.has(id)).map(([, entry]) => entry);
  changes.push(...created.map((entry) => change(entry, "create", [], holds(currentHolders, entry))));

  // A data holder deleted while one of its kind is created in the same layer: most likely a rename.
  const paired = new Set<ObjectChange>();
  for (const deleted of changes.filter((c) => c.action === "delete" && c.holdsData)) {
    const kind = deleted.label.split(" ")[0];
    const twin = changes.find(
      (c) =>
        c.action === "create" &&
        c.holdsData &&
        !paired.has(c) &&
        c.layer === deleted.layer &&
        c.label.split(" ")[0] === kind,
    );
    if (twin) {
      paired.add(twin);
      deleted.renamedTo = twin.label;
    }
  }
  const order: Record<Action, number> = { delete: 0, replace: 1, update: 2, create: 3 };
  return changes.sort(
    (a, b) =>
      a.layer.localeCompare(b.layer) || order[a.action] - order[b.action] || a.label.localeCompare(b.label),
  );
};

export const dataLosses = (changes: readonly ObjectChange[]): ObjectChange[] =>
  changes.filter((c) => c.holdsData && (c.action === "delete" || c.action === "replace"));

const shown = (value: unknown): string => {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
};

const fieldLine = (field: FieldChange): string =>
  `      ${field.path}: ${shown(field.before)} -> ${shown(field.after)}${field.note ? `  [${field.note}]` : ""}`;

const lossLine = (loss: ObjectChange): string => {
  const what =
    loss.action === "replace"
      ? `is replaced (deleted and created again, empty) because ${loss.fields
          .filter((field) => field.note?.includes("replacement"))
          .map((field) => field.path)
          .join(", ")} cannot change in place: its data is lost`
      : loss.renamedTo
        ? `is deleted and ${loss.renamedTo} created in its place, new and empty (a rename): its data is lost`
        : "is deleted: its data is lost";
  const kind = loss.label.split(" ")[0];
  const contents = kind === "Namespace" ? ", with everything in it" : "";
  const protectedNote = loss.protect
    ? " (Pulumi protects it, so the deploy stops there; forcing it through loses the data)"
    : "";
  return `  ${loss.layer}: ${loss.label} ${what}${contents}${protectedNote}`;
};

const VERBS: Record<Action, string> = {
  create: "create",
  update: "update in place",
  replace: "REPLACE (delete, then create again)",
  delete: "DELETE",
};

export const formatReport = (changes: readonly ObjectChange[], title: string): string[] => {
  const lines = [title, ""];
  if (changes.length === 0) return [...lines, "No changes: a deploy would change nothing."];
  const losses = dataLosses(changes);
  if (losses.length > 0) {
    lines.push(`DATA LOSS: a deploy would delete or replace ${losses.length} object(s) that hold data:`);
    lines.push(...losses.map(lossLine), "");
  }
  for (const layer of [...new Set(changes.map((c) => c.layer))]) {
    lines.push(`${layer}:`);
    for (const c of changes.filter((c) => c.layer === layer)) {
      lines.push(
        `  ${VERBS[c.action]}: ${c.label}  (${c.type} ${c.name})${c.holdsData ? " [holds data]" : ""}`,
      );
      lines.push(...c.fields.map(fieldLine));
    }
    lines.push("");
  }
  const count = (action: Action) => changes.filter((c) => c.action === action).length;
  lines.push(
    `${count("create")} to create, ${count("update")} to update in place, ${count("replace")} to replace, ${count("delete")} to delete.`,
    losses.length > 0
      ? `${losses.length} object(s) holding data would be lost (exit 1): back the data up or change the code.`
      : "Nothing that holds data is replaced or deleted.",
  );
  return lines;
};
