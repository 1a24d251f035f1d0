/**
 * The volume guard's comparison: a change of a stateful record (records.ts) against the committed
 * baseline is a finding that names the object, what changed and how to accept it on purpose;
 * an object that holds data but is not protected in Pulumi is a finding that cannot be accepted.
 */
import type { Problem } from "../core/problem.ts";
import { recoveryBackup, restoreProblems } from "../k8s/cnpgRestores.ts";
import { bytes } from "../k8s/quantity.ts";
import { canonical, type StatefulRecord } from "./records.ts";
import { EFFECTS } from "./rules.ts";

/** A finding is a Problem at the stateful object: what change would lose data, and how to accept it. */
export type Finding = Problem;

/** The PostgreSQL major version of a CloudNativePG image reference such as `.../postgresql:18.4-system-trixie`. */
const postgresMajor = (image: string): string | undefined =>
  /:(\d+)(?:[.\-@]|$)/.exec(image.slice(image.lastIndexOf("/") + 1))?.[1];

/** The guard command for a stack: the example stack is the default, any other needs `--stack`. */
export const guardCommand = (stack: string, flags = ""): string =>
  `bun run guard${stack === "example" ? "" : ` --stack ${stack}`}${flags ? ` ${flags}` : ""}`;

const acceptText = (stack: string): string =>
  `if this is intended, back the data up, then accept it: ${guardCommand(stack, "--accept")} (commit the new baseline with the change)`;

const kindOf = (record: StatefulRecord): string => record.id.split("/")[1] ?? "";
const layerOf = (record: StatefulRecord): string => record.id.split("/")[0] ?? "";

/** The names an object is known by: its own, its namespace's, and for a PV those of its claim. */
const identities = (record: StatefulRecord): string[] => {
  const [, , namespace = "-", name = ""] = record.id.split("/");
  const claim = ["spec.claimRef.namespace", "spec.claimRef.name"].flatMap((path) => {
    const value = record.fields[path];
    return value === undefined ? [] : [JSON.parse(value) as unknown];
  });
  return [name, ...(namespace === "-" ? [] : [namespace]), ...claim].filter(
    (value): value is string => typeof value === "string" && value !== "",
  );
};

/** The record's fields with its own names replaced by placeholders (whole strings, and its name inside strings). */
const anonymous = (record: StatefulRecord): string => {
  const names = identities(record);
  const name = names[0] ?? "";
  const strip = (value: unknown): unknown => {
    if (typeof value === "string") {
      const index = names.indexOf(value);
      return index >= 0 ? `<name ${index}>` : name === "" ? value : value.split(name).join("<name 0>");
    }
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, strip(inner)]));
    return value;
  };
  return canonical(
    Object.fromEntries(
      Object.entries(record.fields).map(([path, value]) => [path, strip(JSON.parse(value) as unknown)]),
    ),
  );
};

/**
 * Whether `candidate` is `old` under another name: same layer and kind, and the same fields once
 * each one's own names are set aside (a renamed app's PV handle and claim reference follow it).
 */
const isRenameOf = (old: StatefulRecord, candidate: StatefulRecord): boolean =>
  kindOf(old) === kindOf(candidate) &&
  layerOf(old) === layerOf(candidate) &&
  (canonical(old.fields) === canonical(candidate.fields) || anonymous(old) === anonymous(candidate));

const unset = (value: string | undefined): string => value ?? "unset";

const fieldFinding = (
  accept: string,
  id: string,
  field: string,
  before?: string,
  after?: string,
): Finding | undefined => {
  const from = `${field} from ${unset(before)} to ${unset(after)}`;
  switch (EFFECTS[field] ?? "replace") {
    case "retention":
      return {
        where: { object: id },
        what: `changes ${from}: its data would no longer be kept when it is deleted`,
        fix: `keep Retain, or ${accept}`,
      };
    case "bootstrap":
      if (after !== undefined && recoveryBackup(JSON.parse(after)) !== undefined)
        return {
          where: { object: id },
          what: `changes ${from}: a restore into the live database: CloudNativePG would bootstrap it again, replacing its data`,
          fix: "restore with withPostgres({ restore: { from } }), which creates a new cluster beside the live one",
        };
      return {
        where: { object: id },
        what: `changes ${from}: bootstrap is only read when the database is created, so this only matters to a new, empty database`,
        fix: `create a new cluster and move the data, or ${accept}`,
      };
    case "major": {
      const was = before === undefined ? undefined : postgresMajor(JSON.parse(before) as string);
      const now = after === undefined ? undefined : postgresMajor(JSON.parse(after) as string);
      if (was !== undefined && was === now) return undefined; // minor upgrades roll in place
      return {
        where: { object: id },
        what: `changes ${from}: a PostgreSQL major version change (${was ?? "?"} -> ${now ?? "?"}) rewrites the data directory`,
        fix: `back the database up and follow CloudNativePG's major upgrade steps, then ${accept}`,
      };
    }
    default:
      return {
        where: { object: id },
        what: `changes ${from}: the object would be replaced`,
        fix: `migrate the data to a new object instead, or ${accept}`,
      };
  }
};

const sizeFinding = (
  accept: string,
  id: string,
  label: string,
  before?: string,
  after?: string,
): Finding | undefined => {
  if (before === undefined || after === undefined || before === after) return undefined;
  const [was, now] = [bytes(before), bytes(after)];
  if (was === undefined || now === undefined)
    return {
      where: { object: id },
      what: `changes ${label}from ${before} to ${after}, which the guard cannot compare as sizes`,
      fix: `write sizes like 10Gi, or ${accept}`,
    };
  return now < was
    ? {
        where: { object: id },
        what: `shrinks ${label}from ${before} to ${after}: volumes cannot shrink`,
        fix: `keep ${before} or more, or ${accept}`,
      }
    : undefined;
};

/**
 * What changed from `baseline` to `current`: `losses`, every change that would delete, replace,
 * shrink or stop retaining stored data (and every object a deploy could delete unprotected);
 * `additions`, the new stateful objects, which lose nothing but are for the baseline to record.
 */
export const statefulChanges = (
  baseline: readonly StatefulRecord[],
  current: readonly StatefulRecord[],
  stack = "example",
): { losses: Finding[]; additions: Finding[] } => {
  const accept = acceptText(stack);
  const now = new Map(current.map((record) => [record.id, record]));
  const before = new Map(baseline.map((record) => [record.id, record]));
  const added = current.filter((record) => !before.has(record.id));
  const findings: Finding[] = [];
  const renamed = new Set<string>();

  for (const old of baseline) {
    const record = now.get(old.id);
    if (!record) {
      const renamedTo = added.find((candidate) => !renamed.has(candidate.id) && isRenameOf(old, candidate));
      if (renamedTo) renamed.add(renamedTo.id);
      findings.push({
        where: { object: old.id },
        what: renamedTo
          ? `is renamed to ${renamedTo.id}: Kubernetes sees a deletion and a new, empty object`
          : "is deleted: its data would be lost",
        fix: renamedTo ? `keep the old name, or ${accept}` : `restore the code that created it, or ${accept}`,
      });
      continue;
    }
    if (record.pulumiName !== old.pulumiName) {
      findings.push({
        where: { object: old.id },
        what: `changes its Pulumi resource name from ${old.pulumiName} to ${record.pulumiName}: Pulumi would delete and recreate it`,
        fix: `keep the Pulumi name, or add an alias ({ aliases: [{ name: "${old.pulumiName}" }] }), or ${accept}`,
      });
    } else if (old.pulumiType && record.pulumiType && old.pulumiType !== record.pulumiType) {
      findings.push({
        where: { object: old.id },
        what: `changes its Pulumi resource type from ${old.pulumiType} to ${record.pulumiType}: Pulumi would delete and recreate it`,
        fix: `keep the resource type and parent, or add an alias, or ${accept}`,
      });
    }
    for (const field of new Set([...Object.keys(old.fields), ...Object.keys(record.fields)])) {
      if (old.fields[field] === record.fields[field]) continue;
      const finding = fieldFinding(accept, old.id, field, old.fields[field], record.fields[field]);
      if (finding) findings.push(finding);
    }
    const mainSize = sizeFinding(accept, old.id, "", old.size, record.size);
    if (mainSize) findings.push(mainSize);
    for (const [path, size] of Object.entries(old.sizes ?? {})) {
      const finding = sizeFinding(accept, old.id, `${path} `, size, record.sizes?.[path]);
      if (finding) findings.push(finding);
    }
  }
  const additions = added
    .filter((candidate) => !renamed.has(candidate.id))
    .map((record) => ({
      where: { object: record.id },
      what: "is new (an addition, no data at risk) and not yet in the baseline, so nothing would stop its later loss",
      fix: `record it: ${guardCommand(stack, "--accept")} (commit the new baseline with the change)`,
    }));
  return { losses: [...findings, ...restoreFindings(current), ...unprotectedFindings(current)], additions };
};

/** Restores among the current records (lib/k8s/cnpgRestores.ts): never acceptable, so never in a baseline. */
const restoreFindings = (current: readonly StatefulRecord[]): Finding[] => {
  const clusters = current.filter((record) => kindOf(record) === "Cluster");
  const idOf = new Map(clusters.map((record) => [record.id.split("/").slice(2).join("/"), record.id]));
  return (
    restoreProblems(
      clusters.map((record) => {
        const [, , namespace = "", name = ""] = record.id.split("/");
        const bootstrap = record.fields["spec.bootstrap"];
        return { namespace, name, bootstrap: bootstrap === undefined ? undefined : JSON.parse(bootstrap) };
      }),
    )
      // Restoring into itself is the bootstrap change fieldFinding already reports.
      .filter((found) => !found.inPlace)
      .map((found) => ({
        where: { object: idOf.get(found.cluster) ?? found.cluster },
        what: found.what,
        fix: found.fix,
      }))
  );
};

/** Every finding of `statefulChanges`: the losses, then the additions to record. */
export const compareStateful = (
  baseline: readonly StatefulRecord[],
  current: readonly StatefulRecord[],
  stack = "example",
): Finding[] => {
  const { losses, additions } = statefulChanges(baseline, current, stack);
  return [...losses, ...additions];
};

/**
 * Objects whose deletion deletes data but that Pulumi would not stop from being deleted. Never
 * acceptable: `--accept` refuses while there are any.
 */
export const unprotectedFindings = (current: readonly StatefulRecord[]): Finding[] =>
  current
    .filter((record) => record.protected === false)
    .map((record) => ({
      where: { object: record.id },
      what: `is not protected in Pulumi (protect and retainOnDelete): a deploy could delete it${kindOf(record) === "Namespace" ? " and everything in it" : ""}`,
      fix: "mark it `stateful: true` in its layer's plan, so createPlan protects it (the guard never accepts this)",
    }));
