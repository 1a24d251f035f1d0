/**
 * `bun run render [--stack example] [--out out]`: the whole cluster, offline. A relative `--out`
 * is read against the folder the user stands in (the default is the repository's out/). Writes
 * out/<layer>.yaml (Kubernetes objects), out/<layer>.helm.yaml (Helm releases) and
 * out/<layer>.external.yaml (resources outside the cluster), the drawn plan out/cluster.svg and
 * the page out/cluster.html (the drawing and the summary), then prints the summary.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ok } from "neverthrow";
import { readStack, stackSecretPlaintexts } from "../lib/config/stackFile.ts";
import { runContextOf, type StackLayers, schemasOf } from "../lib/core/layer.ts";
import { formatProblem, type Problem, redactProblems } from "../lib/core/problem.ts";
import { PREFLIGHT_RULES } from "../lib/preflight/index.ts";
import { DRAWING_FILES, drawingFiles } from "../lib/render/drawing/draw.ts";
import { preflightOf, renderStack } from "../lib/render/render.ts";
import { summarize } from "../lib/render/summary.ts";
import { configSchemas, loadLayers } from "../programs/layers.ts";
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
import { checkOutFolder, createFolder, outFolder } from "./folders.ts";

const ROOT = resolve(import.meta.dirname, "..");

/**
 * Set to 1 by `bun run diff` for the base it renders with that commit's code: it reads only the
 * YAML, so the drawing is skipped (a render of an older commit ignores it).
 */
export const YAML_ONLY_ENV = "HOMELAB_RENDER_YAML_ONLY";

export const RENDER: StackCommandSpec = {
  usage: "bun run render [--stack <name>] [--out <dir>]",
  options: {
    stack: stackOptionSpec("offline", "render"),
    out: {
      type: "string",
      doc: "folder to write the files to, from where you stand (default: the repository's out/)",
    },
  },
  stack: "offline",
};

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = ROOT,
  layers?: StackLayers,
): Promise<number> => {
  const parsed = readCommandLine(RENDER, argv, io);
  if (parsed.isErr()) return parsed.error;
  const stack = stackOption(RENDER, parsed.value.values, io.env);
  if (stack.isErr()) return usage(io, stack.error);
  const given = parsed.value.values.out;
  const shownOut = typeof given === "string" ? given : "out";
  const outPath =
    typeof given === "string" ? outFolder(given, root, io.env) : checkOutFolder(join(root, "out"), shownOut);
  if (outPath.isErr()) return usage(io, outPath.error, false);
  // No secret of the stack is printed, whichever key carried it.
  const redacted = (problems: readonly Problem[]) =>
    redactProblems(problems, stackSecretPlaintexts(configSchemas, root, stack.value));
  const fail = (problems: readonly Problem[], kind = "problem(s)"): number => {
    io.err(`Stack ${stack.value} has ${problems.length} ${kind}; nothing was rendered:\n`);
    for (const problem of redacted(problems)) io.err(`  ${formatProblem(problem)}`);
    return 1;
  };

  // Check the config before loading the layers and the apps, so a mistake is reported at once.
  const config = readStack(configSchemas, root, stack.value);
  if (config.isErr()) return fail(config.error, "config error(s)");

  const stackLayers = layers ?? (await loadLayers());
  const run = runContextOf(new Date());
  const result = renderStack(stackLayers, config.value, stack.value, run);
  if (result.isErr()) return fail(result.error);

  // A render that a real first deploy would fail on is refused, like a config error.
  const problems = preflightOf(result.value);
  if (problems.length > 0) {
    io.err(`Preflight: ${problems.length} problem(s) a real deploy would hit; nothing was rendered:\n`);
    for (const problem of redacted(problems)) io.err(`  ${formatProblem(problem)}`);
    return 1;
  }

  // The drawing is checked for secrets like every other file, before anything is written.
  const summary = summarize(stack.value, result.value);
  const drawn =
    io.env[YAML_ONLY_ENV] === "1"
      ? ok({})
      : await drawingFiles(
          { stack: stack.value, layers: result.value, summary },
          { schemas: schemasOf(stackLayers), raw: config.value.raw },
        );
  if (drawn.isErr()) return fail(drawn.error);

  const outDir = createFolder(outPath.value, shownOut);
  if (outDir.isErr()) return usage(io, outDir.error, false);
  const files = { ...Object.assign({}, ...result.value.map((layer) => layer.files)), ...drawn.value };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(outDir.value, file), text as string);
  io.out(summary);
  io.out(`\nPreflight: passed (${PREFLIGHT_RULES.join(", ")}).`);
  const page = DRAWING_FILES.html in files ? ` (the drawn plan: ${shownOut}/${DRAWING_FILES.html})` : "";
  io.out(`\nWrote ${Object.keys(files).length} files to ${shownOut}/${page}`);
  return 0;
};

const usage = (io: CliIo, text: string, withUsage = true): number => {
  io.err(withUsage ? text : `error: ${text}`);
  return USAGE_EXIT;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
