/**
 * `bun run validate [--stack home]`: checks a stack's config for every layer, then (when the
 * config is valid) builds every layer offline, so every app in programs/apps/apps/ is checked too
 * (every problem of every app, missing secrets included), and runs the preflight over the plans.
 * Prints every problem at once (as JSON with `--json`); exits non-zero when there is any; touches nothing.
 */
import { resolve } from "node:path";
import { EXAMPLE_STACK, stackPlaceholders } from "../lib/config/placeholders.ts";
import {
  plaintextSecretWarnings,
  readStack,
  type StackConfig,
  stackSecretPlaintexts,
} from "../lib/config/stackFile.ts";
import { type RunContext, runContextOf, type StackLayers } from "../lib/core/layer.ts";
import { formatProblem, type Problem, problemsJson, redactProblems } from "../lib/core/problem.ts";
import { publicDnsNotice } from "../lib/layers/network/config.ts";
import { preflightOf, renderStack } from "../lib/render/render.ts";
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

export const VALIDATE: StackCommandSpec = {
  usage: "bun run validate [--stack <name>] [--json]",
  options: {
    stack: stackOptionSpec("yours", "check"),
    json: { type: "boolean", doc: "print every problem as JSON ({ problems: [...] }) instead of text" },
  },
  stack: "yours",
};

const numbered = (lines: readonly string[]): string[] =>
  lines.map((line, i) => `${String(i + 1).padStart(3)}. ${line.replaceAll("\n", "\n   ")}`);

/** What a layer refused (an app problem, a leak), then what the preflight finds a real deploy would hit. */
const buildProblems = async (
  config: StackConfig,
  stack: string,
  run: RunContext,
  layers?: StackLayers,
): Promise<readonly Problem[]> => {
  const stackLayers = layers ?? (await loadLayers());
  return renderStack(stackLayers, config, stack, run).match(preflightOf, (problems) => problems);
};

export interface Validation {
  ok: boolean;
  problems: readonly Problem[];
  /** The report for a terminal. */
  lines: string[];
}

const refused = (problems: readonly Problem[], heading: string, after: string[] = []): Validation => ({
  ok: false,
  problems,
  lines: [heading, ...numbered(problems.map(formatProblem)), ...after],
});

export const validateStack = async (
  root: string,
  stack: string,
  layers?: StackLayers,
  run: RunContext = runContextOf(new Date()),
): Promise<Validation> => {
  // No secret of the stack is printed, whichever key carried it.
  const redacted = (found: readonly Problem[]) =>
    redactProblems(found, stackSecretPlaintexts(configSchemas, root, stack));
  const result = readStack(configSchemas, root, stack);
  if (result.isErr())
    return refused(redacted(result.error), `Stack ${stack}: ${result.error.length} config error(s):`, [
      "(the apps are checked once the config is valid)",
    ]);
  const problems = await buildProblems(result.value, stack, run, layers);
  if (problems.length > 0) return refused(redacted(problems), `Stack ${stack}: the config is valid, but:`);
  // The example stack keeps obviously fake secrets in plain text so the render works offline.
  const warnings =
    stack === EXAMPLE_STACK ? [] : plaintextSecretWarnings(configSchemas, result.value.raw, stack);
  const placeholders = redacted(stackPlaceholders(configSchemas, root, result.value.raw, stack));
  const notice = publicDnsNotice(result.value.raw.network);
  return {
    ok: true,
    problems: [],
    lines: [
      `Stack ${stack}: the config of every layer and every app is valid, and the preflight found nothing a first deploy would fail on.`,
      ...warnings,
      ...(placeholders.length === 0
        ? []
        : [
            `warning: ${placeholders.length} value(s) are placeholders from the example; preview and deploy refuse them until you set your own:`,
            ...numbered(placeholders.map(formatProblem)),
          ]),
      ...(notice ? [notice] : []),
    ],
  };
};

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
  layers?: StackLayers,
): Promise<number> => {
  const parsed = readCommandLine(VALIDATE, argv, io);
  if (parsed.isErr()) return parsed.error;
  const stack = stackOption(VALIDATE, parsed.value.values, io.env);
  if (stack.isErr()) {
    io.err(stack.error);
    return USAGE_EXIT;
  }
  const { ok, problems, lines } = await validateStack(root, stack.value, layers, runContextOf(new Date()));
  // JSON goes to stdout either way, so a tool can read it; the exit code says whether it is empty.
  if (parsed.value.values.json === true) io.out(problemsJson(problems).trimEnd());
  else (ok ? io.out : io.err)(lines.join("\n"));
  return ok ? 0 : 1;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
