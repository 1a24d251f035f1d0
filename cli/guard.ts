/**
 * `bun run guard [--stack example] [--accept]`: renders the stack and compares everything that
 * holds data with the committed baseline guard/<stack>.json. Any deletion, rename, replacement,
 * shrink or lost protection fails, naming the object and the change; `--accept` records the
 * current state as the new baseline, to commit together with the change that needs it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { type RunContext, runContextOf, type StackLayers } from "../lib/core/layer.ts";
import { formatProblem } from "../lib/core/problem.ts";
import { type StatefulRecord, statefulRecords } from "../lib/guard/records.ts";
import { guardCommand, statefulChanges, unprotectedFindings } from "../lib/guard/stateful.ts";
import { type RenderedLayer, renderStackFiles } from "../lib/render/render.ts";
import {
  type CliIo,
  isMain,
  processIo,
  readCommandLine,
  type StackCommandSpec,
  stackOption,
  stackOptionSpec,
  USAGE_EXIT,
} from "./args.ts";

export const GUARD: StackCommandSpec = {
  usage: "bun run guard [--stack <name>] [--accept]",
  options: {
    stack: stackOptionSpec("offline", "guard"),
    accept: { type: "boolean", doc: "record the current state as the new baseline guard/<stack>.json" },
  },
  stack: "offline",
};

/** The committed baseline, or why it cannot be read (a broken file is an error, not a stack trace). */
export const readBaseline = (
  path: string,
  relative: string,
): Result<StatefulRecord[] | undefined, string> => {
  if (!existsSync(path)) return ok(undefined);
  const broken = `${relative} is not a baseline the guard wrote; restore it (git checkout ${relative}) or record a new one with --accept`;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    const valid =
      Array.isArray(parsed) &&
      parsed.every(
        (r) =>
          typeof r === "object" && r !== null && typeof r.id === "string" && typeof r.fields === "object",
      );
    return valid ? ok(parsed as StatefulRecord[]) : err(broken);
  } catch {
    return err(broken);
  }
};

/** The rendered stack, or the lines that say why it cannot be rendered (config errors, a broken app). */
export const renderForGuard = async (
  root: string,
  stack: string,
  run: RunContext,
  layers?: StackLayers,
): Promise<Result<RenderedLayer[], string[]>> => {
  const stackLayers = layers ?? (await (await import("../programs/layers.ts")).loadLayers());
  try {
    return renderStackFiles(stackLayers, root, stack, run).mapErr((problems) => [
      `Stack ${stack} has ${problems.length} problem(s); the guard compared nothing:`,
      ...problems.map((problem) => `  ${formatProblem(problem)}`),
    ]);
  } catch (error) {
    return err([error instanceof Error ? error.message : String(error)]);
  }
};

/** `--accept`: records the current stateful objects as the baseline, unless one holds data unprotected. */
const record = (
  io: CliIo,
  target: {
    stack: string;
    relative: string;
    baselinePath: string;
    baseline: StatefulRecord[] | undefined;
    current: StatefulRecord[];
  },
): number => {
  const { stack, relative, baselinePath, current } = target;
  const unprotected = unprotectedFindings(current);
  if (unprotected.length > 0) {
    io.err(`Nothing was recorded: ${unprotected.length} object(s) hold data without protection:\n`);
    for (const finding of unprotected) io.err(`  ${formatProblem(finding)}`);
    return 1;
  }
  const changes = target.baseline ? statefulChanges(target.baseline, current, stack) : undefined;
  const accepted = changes ? [...changes.losses, ...changes.additions] : [];
  if (accepted.length > 0) {
    io.out(`Accepting ${accepted.length} change(s) to ${relative}:\n`);
    for (const finding of accepted) io.out(`  ${finding.where.object} ${finding.what}`);
    io.out("");
  }
  try {
    mkdirSync(dirname(baselinePath), { recursive: true });
    writeFileSync(baselinePath, `${JSON.stringify(current, null, 2)}\n`);
  } catch (error) {
    io.err(
      `${relative} cannot be written (${(error as { code?: string }).code ?? "unknown error"}); nothing was recorded`,
    );
    return 1;
  }
  io.out(
    `${relative}: recorded ${current.length} stateful objects. Commit it with the change that needs it.`,
  );
  return 0;
};

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
  layers?: StackLayers,
): Promise<number> => {
  const parsed = readCommandLine(GUARD, argv, io);
  if (parsed.isErr()) return parsed.error;
  const chosen = stackOption(GUARD, parsed.value.values, io.env);
  if (chosen.isErr()) {
    io.err(chosen.error);
    return USAGE_EXIT;
  }
  const stack = chosen.value;
  const accept = parsed.value.values.accept === true;
  const relative = `guard/${stack}.json`;
  const baselinePath = join(root, relative);
  const baseline = readBaseline(baselinePath, relative);
  if (baseline.isErr()) {
    io.err(baseline.error);
    return 1;
  }
  if (!accept && baseline.value === undefined) {
    io.err(`${relative} does not exist. Record the current state first: ${guardCommand(stack, "--accept")}`);
    return 1;
  }
  const rendered = await renderForGuard(root, stack, runContextOf(new Date()), layers);
  if (rendered.isErr()) {
    io.err(rendered.error.join("\n"));
    return 1;
  }
  const current = statefulRecords(rendered.value);

  if (accept) return record(io, { stack, relative, baselinePath, baseline: baseline.value, current });

  const { losses, additions } = statefulChanges(baseline.value ?? [], current, stack);
  if (losses.length > 0) {
    io.err(`The volume guard stopped ${losses.length} change(s) that would lose data:\n`);
    for (const finding of losses) io.err(`  ${formatProblem(finding)}`);
  }
  if (additions.length > 0) {
    io.err(
      `${losses.length > 0 ? "\n" : ""}${additions.length} new stateful object(s) are not in ${relative} yet: additions, no data at risk; accept them so the guard protects them from now on (${guardCommand(stack, "--accept")}):\n`,
    );
    for (const finding of additions) io.err(`  ${formatProblem(finding)}`);
  }
  if (losses.length + additions.length > 0) return 1;
  io.out(`Volume guard: ${current.length} stateful objects match ${relative}.`);
  return 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
