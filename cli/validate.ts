/**
 * `bun run validate [--stack home]`: checks a stack's config for every layer, then (when the
 * config is valid) builds every layer offline, so every app in programs/apps/apps/ is checked too
 * (every problem of every app, missing secrets included), and runs the preflight over the plans.
 * Prints every problem at once (as JSON with `--json`); exits non-zero when there is any; touches nothing.
 */
import "../lib/render/skipClosureSerialization.ts";
import { resolve } from "node:path";
import { plaintextSecretWarnings, readStackConfig } from "../lib/config/stackFile.ts";
import { publicDnsNotice } from "../lib/network/config.ts";
import { formatProblem, type Problem, problem, problemsJson, problemsOf } from "../lib/problem.ts";
import type { Programs } from "../lib/render/render.ts";
import {
  type CliIo,
  type CommandSpec,
  DEFAULT_STACK,
  isMain,
  parseCommand,
  processIo,
  stackOption,
  USAGE_EXIT,
} from "./args.ts";

/** The example stack keeps obviously fake secrets in plain text so the render works offline. */
const EXAMPLE_STACK = "example";

export const VALIDATE: CommandSpec = {
  usage: "bun run validate [--stack <name>] [--json]",
  options: {
    stack: { type: "string", doc: `stack to check (default: HOMELAB_STACK, else ${DEFAULT_STACK})` },
    json: { type: "boolean", doc: "print every problem as JSON ({ problems: [...] }) instead of text" },
  },
};

const numbered = (lines: readonly string[]): string[] =>
  lines.map((line, i) => `${String(i + 1).padStart(3)}. ${line.replaceAll("\n", "\n   ")}`);

/** A thrown error as problems: its own (a program that refused to run), else its message. */
const caughtProblems = (error: unknown): readonly Problem[] =>
  problemsOf(error) ?? [
    problem(
      {},
      error instanceof Error ? error.message : String(error),
      "this is neither a config nor an app problem: fix what the message names, or report it",
    ),
  ];

/**
 * What a layer program refused (an app problem, a leak), then what the preflight finds a real
 * deploy would hit; each problem says why.
 */
const buildProblems = async (
  root: string,
  stack: string,
  programs?: Programs,
): Promise<readonly Problem[]> => {
  const { renderStack, preflightOf } = await import("../lib/render/render.ts");
  const layers = programs ?? (await import("../programs/index.ts")).programs;
  try {
    const result = await renderStack(layers, root, stack);
    return result.match(preflightOf, (problems) => problems);
  } catch (error) {
    return caughtProblems(error);
  }
};

export interface Validation {
  ok: boolean;
  problems: readonly Problem[];
  /** The report for a terminal. */
  lines: string[];
}

export const validateStack = async (
  root: string,
  stack: string,
  programs?: Programs,
): Promise<Validation> => {
  const result = readStackConfig(root, stack);
  if (result.isErr()) {
    return {
      ok: false,
      problems: result.error,
      lines: [
        `Stack ${stack}: ${result.error.length} config error(s):`,
        ...numbered(result.error.map(formatProblem)),
        "(the apps are checked once the config is valid)",
      ],
    };
  }
  const problems = await buildProblems(root, stack, programs);
  if (problems.length > 0) {
    return {
      ok: false,
      problems,
      lines: [`Stack ${stack}: the config is valid, but:`, ...numbered(problems.map(formatProblem))],
    };
  }
  const warnings = stack === EXAMPLE_STACK ? [] : plaintextSecretWarnings(result.value, stack);
  const notice = publicDnsNotice(result.value.network);
  return {
    ok: true,
    problems: [],
    lines: [
      `Stack ${stack}: the config of every layer and every app is valid, and the preflight found nothing a first deploy would fail on.`,
      ...warnings,
      ...(notice ? [notice] : []),
    ],
  };
};

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
  programs?: Programs,
): Promise<number> => {
  const parsed = parseCommand(VALIDATE, argv);
  if (parsed.isErr()) {
    io.err(parsed.error);
    return USAGE_EXIT;
  }
  const stack = stackOption(VALIDATE, parsed.value.values, io.env, DEFAULT_STACK);
  if (stack.isErr()) {
    io.err(stack.error);
    return USAGE_EXIT;
  }
  const { ok, problems, lines } = await validateStack(root, stack.value, programs);
  // JSON goes to stdout either way, so a tool can read it; the exit code says whether it is empty.
  if (parsed.value.values.json === true) io.out(problemsJson(problems).trimEnd());
  else (ok ? io.out : io.err)(lines.join("\n"));
  return ok ? 0 : 1;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
