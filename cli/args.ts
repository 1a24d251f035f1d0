/**
 * What every command shares: strict argument parsing (node:util parseArgs), one usage/error
 * format, the stack name, the output folder, and the io a command writes to (so tests can run a
 * command's `main` in-process). A mistake on the command line stops the command before it does
 * anything, with exit code 2 and its usage.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { err, ok, type Result } from "neverthrow";
import { editDistance } from "../lib/config/registry.ts";

/** Where a command writes, and the environment it reads; the real process by default. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

export const processIo: CliIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  env: process.env,
};

/** Exit code of a command-line mistake (as with most Unix tools); 1 is left for a failed check. */
export const USAGE_EXIT = 2;

/** The stack used when neither --stack nor HOMELAB_STACK names one. */
export const DEFAULT_STACK = "home";

type OptionSpec = { type: "string"; doc: string } | { type: "boolean"; doc: string };

export interface CommandSpec {
  /** e.g. `bun run render [--stack <name>] [--out <dir>]` */
  usage: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Names of the positionals the command takes, in order; none when absent. */
  positionals?: readonly string[];
}

export interface ParsedCommand {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
}

const quoted = (message: string): string => /'([^']*)'/.exec(message)?.[1]?.split("=")[0] ?? "";

const nearest = (name: string, known: readonly string[]): string | undefined => {
  const bare = name.replace(/^-+/, "");
  return known.find((candidate) => editDistance(bare, candidate) <= 2);
};

const optionLines = (spec: CommandSpec): string[] => {
  const names = Object.entries(spec.options).map(
    ([name, option]) => [`--${name}${option.type === "string" ? " <value>" : ""}`, option.doc] as const,
  );
  const width = Math.max(0, ...names.map(([name]) => name.length));
  return names.map(([name, doc]) => `  ${name.padEnd(width)}  ${doc}`);
};

/** The text of a command-line mistake: what is wrong, then the usage and the options. */
export const usageText = (spec: CommandSpec, problem: string): string =>
  [`error: ${problem}`, `usage: ${spec.usage}`, ...optionLines(spec)].join("\n");

/**
 * Parses `argv` strictly: unknown options, options without their value, flags with a value and
 * more positionals than the command takes are errors (the usage text, ready to print). The value
 * of an unknown option (`--token=...`) is never echoed; option names and stray words are.
 */
export const parseCommand = (spec: CommandSpec, argv: readonly string[]): Result<ParsedCommand, string> => {
  const expected = spec.positionals ?? [];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(spec.options).map(([name, { type }]) => [name, { type }])),
      strict: true,
      allowPositionals: expected.length > 0,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const name = quoted(message);
    const known = Object.keys(spec.options);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const guess = nearest(name, known);
      return err(usageText(spec, `unknown option ${name}${guess ? ` (did you mean --${guess}?)` : ""}`));
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL")
      return err(usageText(spec, `unexpected argument ${JSON.stringify(name)}: this command takes none`));
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const option = name.split(" ")[0] ?? name;
      const flag = spec.options[option.replace(/^-+/, "")]?.type === "boolean";
      return err(usageText(spec, flag ? `${option} takes no value` : `${option} needs a value`));
    }
    return err(usageText(spec, "the arguments could not be read"));
  }
  if (parsed.positionals.length > expected.length) {
    const extra = parsed.positionals[expected.length] ?? "";
    return err(
      usageText(
        spec,
        `unexpected argument ${JSON.stringify(extra)}: this command takes ${expected.length === 0 ? "none" : expected.map((p) => `<${p}>`).join(" ")}`,
      ),
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string" && value.trim() === "")
      return err(usageText(spec, `--${name} needs a value`));
  }
  return ok({ values, positionals: parsed.positionals });
};

/** Pulumi's own rule for stack names; it also keeps a stack name from escaping config/<layer>/. */
const STACK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/**
 * The stack: `--stack`, else HOMELAB_STACK (commands that honour it pass the environment; render
 * and guard pass none and default to the example stack), else the default; an error when it
 * cannot be a stack name.
 */
export const stackOption = (
  spec: CommandSpec,
  values: ParsedCommand["values"],
  env: CliIo["env"],
  fallback: string,
): Result<string, string> => {
  const fromFlag = values.stack;
  const fromEnv = env.HOMELAB_STACK || undefined;
  const stack = typeof fromFlag === "string" ? fromFlag : (fromEnv ?? fallback);
  const source = typeof fromFlag === "string" ? "--stack" : fromEnv ? "HOMELAB_STACK" : "";
  return STACK_NAME.test(stack)
    ? ok(stack)
    : err(
        usageText(
          spec,
          `${source || "the stack"} ${JSON.stringify(stack)} is not a stack name (letters, digits, _, . and -; no slashes)`,
        ),
      );
};

/**
 * Whether `path` can become the output folder, without touching anything: it is a folder or can
 * be created under the nearest existing folder, and that folder is writable. Checked before a
 * command does any work; `createFolder` still reports what only creating it reveals.
 */
export const checkOutFolder = (path: string, shown: string): Result<string, string> => {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    const what = existing === path ? "is a file" : "is inside a file";
    return err(`--out ${shown} ${what}, not a folder; name a folder (it is created if missing)`);
  }
  try {
    accessSync(existing, constants.W_OK);
    return ok(path);
  } catch {
    return err(`--out ${shown} cannot be written (no write permission); name a folder you can write to`);
  }
};

/** Creates the output folder; a failure (read-only or virtual file systems) is an error, not a throw. */
export const createFolder = (path: string, shown: string): Result<string, string> => {
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
    return ok(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unknown error";
    return err(`--out ${shown} cannot be created or written (${code}); name a folder you can write to`);
  }
};

/**
 * Whether this module is the process's entry point. Bun sets `import.meta.main`; Node.js 20 (the
 * bench's comparison run, through tsx) does not, so there the script's own path decides.
 */
export const isMain = (meta: ImportMeta): boolean => meta.main ?? process.argv[1] === fileURLToPath(meta.url);
