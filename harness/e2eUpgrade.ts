/**
 * An upgrade, rehearsed by `bun run e2e`: the example stack is deployed from the release recorded
 * in guard/upgrade-from (a commit the release routine sets on purpose, README "An upgrade,
 * rehearsed"), then the engine previews HEAD over it. Every step of that plan comes from the
 * engine's own events; a replace or delete of anything that holds data (a claim, a volume, a
 * storage class, a database, the namespaces that hold them: protected in the state, or a kind the
 * volume guard's table marks stateful, lib/guard/rules.ts) fails the rehearsal, naming the object
 * and the fields that force it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { RULES } from "../lib/guard/rules.ts";

/** The file that names the release an upgrade is rehearsed from. */
const UPGRADE_FROM = "guard/upgrade-from";

/** The commit named in `text`: the one line that is not a comment. */
export const upgradeFromCommit = (text: string): Result<string, string> => {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const [commit] = lines;
  return lines.length === 1 && commit && /^[0-9a-f]{40}$/.test(commit)
    ? ok(commit)
    : err(
        `${UPGRADE_FROM} must hold one full commit hash (40 hex digits) besides # comments; it holds ${JSON.stringify(lines)}`,
      );
};

const git = (root: string, args: string[]) => {
  const done = Bun.spawnSync(["git", "-C", root, ...args], { stderr: "pipe" });
  return { ok: done.exitCode === 0, out: done.stdout.toString().trim(), err: done.stderr.toString().trim() };
};

/**
 * The recorded release, checked to be in this clone's history (CI clones main with its history; a
 * shallow clone lacks it, and says how to fetch it).
 */
export const recordedRelease = (root: string): Result<string, string> => {
  let text: string;
  try {
    text = readFileSync(join(root, UPGRADE_FROM), "utf8");
  } catch {
    return err(`${UPGRADE_FROM} is missing: it names the release the upgrade is rehearsed from`);
  }
  return upgradeFromCommit(text).andThen((commit): Result<string, string> => {
    if (!Bun.which("git"))
      return err("git is not on PATH: the upgrade rehearsal reads the recorded release from the history");
    if (!git(root, ["rev-parse", "--git-dir"]).ok)
      return err(`${root} is not a git clone: the upgrade rehearsal needs the repository's history`);
    if (git(root, ["cat-file", "-e", `${commit}^{commit}`]).ok) return ok(commit);
    const shallow = git(root, ["rev-parse", "--is-shallow-repository"]).out === "true";
    return err(
      shallow
        ? `this clone is shallow and lacks ${commit} (${UPGRADE_FROM}): fetch the history with \`git fetch --unshallow\`, then run again`
        : `${commit} (${UPGRADE_FROM}) is not in this clone's history: record a commit of main (the release routine sets it)`,
    );
  });
};

/** What the rehearsal copies of the release: the same folders a work copy of HEAD takes. */
export const archiveRelease = (
  root: string,
  commit: string,
  into: string,
  entries: readonly string[],
): string | undefined => {
  const tar = join(into, "..", "release.tar");
  const archived = git(root, ["archive", "--format=tar", "-o", tar, commit, ...entries]);
  if (!archived.ok) return `git archive of ${commit} failed: ${archived.err}`;
  const extracted = Bun.spawnSync(["tar", "-xf", tar, "-C", into], { stderr: "pipe" });
  return extracted.exitCode === 0 ? undefined : `tar -xf failed: ${extracted.stderr.toString()}`;
};

/** The parts of an engine event the plan is read from (automation/events.ts, StepEventMetadata). */
interface StepEvent {
  resourcePreEvent?: {
    metadata: {
      op: string;
      urn: string;
      type: string;
      keys?: string[];
      diffs?: string[];
      detailedDiff?: Record<string, { diffKind: string }>;
      old?: { protect?: boolean };
      new?: { protect?: boolean };
    };
  };
  diagnosticEvent?: { severity: string; message: string; urn?: string };
}

export interface PlannedStep {
  op: string;
  /** `kind name`, as the object's Pulumi name says it: `PersistentVolumeClaim persistentvolumeclaim/demo/demo-data`. */
  object: string;
  /** The fields that force a replace, else the changed ones. */
  fields: string[];
  stateful: boolean;
}

const LOSS = new Set(["replace", "create-replacement", "delete-replaced", "delete", "discard"]);

const kindOf = (type: string): string => type.split(":").at(-1) ?? type;

const isStatefulKind = (type: string): boolean => {
  const rule = RULES[kindOf(type)];
  const [, module = ""] = type.split(":");
  const apiVersion = module.startsWith("core/") ? module.slice(5) : module;
  return rule?.stateful === true && rule.apiVersion(apiVersion);
};

const replaceFields = (metadata: NonNullable<StepEvent["resourcePreEvent"]>["metadata"]): string[] => {
  const forcing = Object.entries(metadata.detailedDiff ?? {})
    .filter(([, diff]) => diff.diffKind.endsWith("-replace"))
    .map(([path]) => path);
  if (forcing.length > 0) return forcing;
  return metadata.keys?.length ? metadata.keys : (metadata.diffs ?? []);
};

/** Every step of a preview that changes something, from its engine events (one JSON per line). */
export const plannedSteps = (eventLines: string): PlannedStep[] =>
  eventLines
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => {
      const metadata = (JSON.parse(line) as StepEvent).resourcePreEvent?.metadata;
      if (!metadata || ["same", "read", "refresh"].includes(metadata.op)) return [];
      if (metadata.type.startsWith("pulumi:")) return [];
      return [
        {
          op: metadata.op,
          object: `${kindOf(metadata.type)} ${metadata.urn.split("::").at(-1)}`,
          fields: replaceFields(metadata),
          stateful:
            metadata.old?.protect === true || metadata.new?.protect === true || isStatefulKind(metadata.type),
        },
      ];
    });

/** The engine's refusals to replace or delete a protected resource, which end a preview before its step. */
export const protectedRefusals = (eventLines: string): string[] =>
  eventLines
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => {
      const diagnostic = (JSON.parse(line) as StepEvent).diagnosticEvent;
      return diagnostic?.severity === "error" && /marked for protection|protected/.test(diagnostic.message)
        ? [diagnostic.message.trim()]
        : [];
    });

/**
 * Each replace or delete of something that holds data, once per object (a replacement is three
 * steps: replace, create-replacement, delete-replaced), named with the fields that force it.
 */
export const dataLosses = (steps: readonly PlannedStep[]): string[] => {
  const losses = new Map<string, PlannedStep>();
  for (const step of steps.filter((candidate) => candidate.stateful && LOSS.has(candidate.op)))
    if (!losses.has(step.object) || step.op === "replace") losses.set(step.object, step);
  return [...losses.values()].map(
    (step) =>
      `${step.op === "delete" ? "delete" : "replace"} of ${step.object}${step.fields.length > 0 ? `, forced by ${step.fields.join(", ")}` : ""}`,
  );
};
