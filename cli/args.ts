/**
 * What every command shares: strict argument parsing (node:util parseArgs), one usage/error
 * format, `--help`, the stack name and its default, and the io a command writes to (so tests can run a command's `main` in-process). A
 * mistake on the command line stops the command before it does anything, with exit code 2 and
 * its usage; `--help` (or `-h`) prints the usage and exits 0.
 */
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

/**
 * The one default stack rule: `--stack`, else HOMELAB_STACK, else the command's kind decides. The
 * offline tools (render, guard) need nothing of yours and default to the example stack; the
 * commands that check or deploy your stack (validate, preview/deploy/destroy, stack:init) default
 * to `home`.
 */
export const DEFAULT_STACKS = { offline: "example", yours: "home" } as const;
export type StackKind = keyof typeof DEFAULT_STACKS;

/** The `--stack` option of a command of that kind, its help text saying the rule. */
export const stackOptionSpec = (kind: StackKind, verb: string): OptionSpec => ({
  type: "string",
  doc: `stack to ${verb} (default: HOMELAB_STACK, else ${DEFAULT_STACKS[kind]})`,
});

type OptionSpec = { type: "string"; doc: string } | { type: "boolean"; doc: string };

export interface CommandSpec {
  /** e.g. `bun run render [--stack <name>] [--out <dir>]` */
  usage: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Names of the positionals the command takes, in order; none when absent. */
  positionals?: readonly string[];
  /** Which default stack the command uses (see DEFAULT_STACKS); commands without --stack have none. */
  stack?: StackKind;
}

/** A command that takes `--stack`: its kind decides the default stack. */
export type StackCommandSpec = CommandSpec & { stack: StackKind };

type ParsedValues = Readonly<Record<string, string | boolean | undefined>>;

/** The command line read: either a request for help (the text to print, exit 0) or the values to run with. */
export type ParsedCommand =
  | { help: true; text: string }
  | { help: false; values: ParsedValues; positionals: readonly string[] };

const HELP_FLAGS = ["--help", "-h"];

const quoted = (message: string): string => /'([^']*)'/.exec(message)?.[1]?.split("=")[0] ?? "";

const nearest = (name: string, known: readonly string[]): string | undefined => {
  const bare = name.replace(/^-+/, "");
  return known.find((candidate) => editDistance(bare, candidate) <= 2);
};

const optionLines = (spec: CommandSpec): string[] => {
  const names = Object.entries(spec.options).map(
    ([name, option]) => [`--${name}${option.type === "string" ? " <value>" : ""}`, option.doc] as const,
  );
  names.push(["--help, -h", "print this usage and exit"]);
  const width = Math.max(0, ...names.map(([name]) => name.length));
  return names.map(([name, doc]) => `  ${name.padEnd(width)}  ${doc}`);
};

/** The text of a command-line mistake: what is wrong, then the usage and the options. */
export const usageText = (spec: CommandSpec, problem: string): string =>
  [`error: ${problem}`, `usage: ${spec.usage}`, ...optionLines(spec)].join("\n");

/** What `--help` prints: the usage and the options. */
const helpText = (spec: CommandSpec): string => [`usage: ${spec.usage}`, ...optionLines(spec)].join("\n");

/** An option given more than once (the value is not echoed: it may be a secret); parseArgs keeps the last. */
const repeated = (
  tokens: readonly { kind: string; name?: string; rawName?: string }[],
): string | undefined => {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option" || token.name === undefined) continue;
    if (seen.has(token.name)) return `--${token.name}`;
    seen.add(token.name);
  }
  return undefined;
};

/**
 * Parses `argv` strictly: unknown options, options without their value, flags with a value, an
 * option given twice and more positionals than the command takes are errors (the usage text,
 * ready to print). `--help` or `-h` anywhere before `--` asks for the help instead. The value of an
 * unknown or repeated option (`--token=...`) is never echoed; option names and stray words are.
 */
export const parseCommand = (spec: CommandSpec, argv: readonly string[]): Result<ParsedCommand, string> => {
  const expected = spec.positionals ?? [];
  const separator = argv.indexOf("--");
  const options = separator === -1 ? argv : argv.slice(0, separator);
  if (options.some((arg) => HELP_FLAGS.includes(arg))) return ok({ help: true, text: helpText(spec) });
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(spec.options).map(([name, { type }]) => [name, { type }])),
      strict: true,
      allowPositionals: expected.length > 0,
      tokens: true,
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
  const twice = repeated(parsed.tokens ?? []);
  if (twice) return err(usageText(spec, `${twice} is given more than once: give each option once`));
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string" && value.trim() === "")
      return err(usageText(spec, `--${name} needs a value`));
  }
  return ok({ help: false, values, positionals: parsed.positionals });
};

/**
 * A command's line read for its `main`: what to run with, or the exit code to end with now (0
 * after printing the help, USAGE_EXIT after printing the mistake with the usage).
 */
export const readCommandLine = (
  spec: CommandSpec,
  argv: readonly string[],
  io: CliIo,
): Result<{ values: ParsedValues; positionals: readonly string[] }, number> => {
  const parsed = parseCommand(spec, argv);
  if (parsed.isErr()) {
    io.err(parsed.error);
    return err(USAGE_EXIT);
  }
  if (parsed.value.help) {
    io.out(parsed.value.text);
    return err(0);
  }
  return ok(parsed.value);
};

/** Pulumi's own rule for stack names; it also keeps a stack name from escaping config/<layer>/. */
const STACK_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/**
 * The stack, by the one rule (DEFAULT_STACKS): `--stack`, else HOMELAB_STACK, else the default of
 * the command's kind; an error when it cannot be a stack name.
 */
export const stackOption = (
  spec: StackCommandSpec,
  values: Readonly<Record<string, string | boolean | undefined>>,
  env: CliIo["env"],
): Result<string, string> => {
  const fromFlag = values.stack;
  const fromEnv = env.HOMELAB_STACK || undefined;
  const stack = typeof fromFlag === "string" ? fromFlag : (fromEnv ?? DEFAULT_STACKS[spec.stack]);
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
 * Whether this module is the process's entry point. Bun sets `import.meta.main`; Node.js 20 (the
 * bench's comparison run, through tsx) does not, so there the script's own path decides.
 */
export const isMain = (meta: ImportMeta): boolean => meta.main ?? process.argv[1] === fileURLToPath(meta.url);
