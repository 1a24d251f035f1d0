/**
 * `bun cli/pulumi.ts <preview|up|destroy> <layer|all> [--stack home] [--confirm-data-loss] [-- pulumi args]`
 * (the package scripts preview:<layer>, deploy:<layer>, destroy:<layer> and deploy).
 *
 * Validates the stack's config first and calls Pulumi only when it is valid; picks a local file
 * backend inside the repository when none is configured; refuses to destroy a layer that holds data
 * unless --confirm-data-loss is given.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseConfig } from "../lib/config/registry.ts";
import { formatConfigError, type RawConfig } from "../lib/config/schema.ts";
import { plaintextSecretWarnings, readStackFile } from "../lib/config/stackFile.ts";
import { DATA_HELD, isLayer, LAYERS, type Layer } from "../lib/layers.ts";
import { type CommandSpec, DEFAULT_STACK, parseCommand, stackOption, USAGE_EXIT, usageText } from "./args.ts";

export const MINIMUM_PULUMI = [3, 227, 0] as const;
const COMMANDS = ["preview", "up", "destroy"] as const;
type Command = (typeof COMMANDS)[number];

export interface Environment {
  root: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Runs a command with inherited stdio; resolves to its exit code. */
  run(argv: string[], env: Record<string, string | undefined>): Promise<number>;
  /** Runs a command and returns its stdout, or undefined when it cannot be started. */
  capture(argv: string[]): Promise<string | undefined>;
  log(line: string): void;
}

const backendConfigured = (env: Environment["env"]): boolean => {
  if (env.PULUMI_BACKEND_URL) return true;
  const credentials = join(env.PULUMI_HOME ?? join(env.HOME ?? homedir(), ".pulumi"), "credentials.json");
  if (!existsSync(credentials)) return false;
  try {
    return Boolean((JSON.parse(readFileSync(credentials, "utf8")) as { current?: string }).current);
  } catch {
    return false;
  }
};

export const versionAtLeast = (text: string, minimum: readonly number[]): boolean => {
  const parts = (/(\d+)\.(\d+)\.(\d+)/.exec(text) ?? []).slice(1).map(Number);
  if (parts.length !== 3) return false;
  for (const [i, want] of minimum.entries()) {
    const have = parts[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
};

/** Every config error of the layers, and a warning per secret kept in plain text in their stack files. */
const checkLayers = (root: string, layers: readonly Layer[], stack: string) => {
  const errors: string[] = [];
  const raw: Partial<Record<Layer, RawConfig>> = {};
  for (const layer of layers) {
    const result = readStackFile(root, layer, stack).andThen((values) =>
      parseConfig(layer, values).map(() => values),
    );
    if (result.isOk()) raw[layer] = result.value;
    else errors.push(...result.error.map(formatConfigError));
  }
  return { errors, warnings: plaintextSecretWarnings(raw, stack) };
};

export const PULUMI: CommandSpec = {
  usage: `bun cli/pulumi.ts <${COMMANDS.join("|")}> <${LAYERS.join("|")}|all> [--stack <name>] [--confirm-data-loss] [-- <pulumi args>]  (or: bun run deploy:<layer> --stack <name>)`,
  options: {
    stack: { type: "string", doc: `stack to use (default: HOMELAB_STACK, else ${DEFAULT_STACK})` },
    "confirm-data-loss": { type: "boolean", doc: "needed by destroy: you accept losing the layer's data" },
  },
  positionals: ["command", "layer"],
};

const PLAINTEXT_BANNER =
  "!!! WARNING: secrets are stored in plain text in the stack file(s) below. Anyone with the repository can read them.";

export const pulumiCommand = async (argv: readonly string[], environment: Environment): Promise<number> => {
  const separator = argv.indexOf("--");
  const parsed = parseCommand(PULUMI, separator === -1 ? argv : argv.slice(0, separator));
  const passThrough = separator === -1 ? [] : argv.slice(separator + 1);
  const { log } = environment;
  if (parsed.isErr()) {
    log(parsed.error);
    return USAGE_EXIT;
  }
  const [command, target] = parsed.value.positionals as [string | undefined, string | undefined];
  if (!COMMANDS.includes(command as Command) || !(target === "all" || (target && isLayer(target)))) {
    const what = command === undefined ? "missing <command>" : target === undefined ? "missing <layer>" : "";
    const problem =
      what ||
      (!COMMANDS.includes(command as Command)
        ? `unknown command ${JSON.stringify(command)}`
        : `unknown layer ${JSON.stringify(target)}`);
    log(usageText(PULUMI, problem));
    return USAGE_EXIT;
  }
  if (command === "destroy" && target === "all") {
    log("Refusing to destroy every layer at once: destroy them one by one, apps first.");
    return USAGE_EXIT;
  }
  const layers: Layer[] = target === "all" ? [...LAYERS] : [target as Layer];
  const stackName = stackOption(PULUMI, parsed.value.values, environment.env, DEFAULT_STACK);
  if (stackName.isErr()) {
    log(stackName.error);
    return USAGE_EXIT;
  }
  const stack = stackName.value;

  const { errors, warnings } = checkLayers(environment.root, layers, stack);
  if (errors.length > 0) {
    log(`Stack ${stack} has ${errors.length} config error(s); Pulumi was not called:\n`);
    for (const error of errors) log(`  ${error}`);
    return 1;
  }
  if (warnings.length > 0) log([PLAINTEXT_BANNER, ...warnings, ""].join("\n"));

  if (command === "destroy" && parsed.value.values["confirm-data-loss"] !== true) {
    const layer = layers[0] as Layer;
    log(
      `Refusing to destroy the ${layer} layer of stack ${stack}: it deletes ${DATA_HELD[layer]}.\n` +
        "Back up first. Protected resources also need `pulumi state unprotect` before Pulumi deletes them.\n" +
        `If you really mean it: bun run destroy:${layer} --stack ${stack} --confirm-data-loss`,
    );
    return 1;
  }

  const version = await environment.capture(["pulumi", "version"]);
  if (version === undefined) {
    log(
      `The Pulumi CLI was not found. Install ${MINIMUM_PULUMI.join(".")} or newer: https://www.pulumi.com/docs/install/`,
    );
    return 1;
  }
  if (!versionAtLeast(version, MINIMUM_PULUMI)) {
    log(
      `Pulumi ${version.trim()} is too old for runtime: bun; upgrade to ${MINIMUM_PULUMI.join(".")} or newer.`,
    );
    return 1;
  }

  const env: Record<string, string | undefined> = { ...environment.env };
  if (!backendConfigured(environment.env)) {
    const state = join(environment.root, ".pulumi-state");
    mkdirSync(state, { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${state}`;
    log(
      "No Pulumi backend is configured: using a local file backend in .pulumi-state/ (git-ignored).\n" +
        "Keep that folder safe (it is the only record of what was deployed), or `pulumi login` to another backend.",
    );
  }

  for (const layer of layers) {
    const cwd = join(environment.root, "programs", layer);
    const select = await environment.run(["pulumi", "stack", "select", stack, "--create", "--cwd", cwd], env);
    if (select !== 0) return select;
    const code = await environment.run(
      ["pulumi", command as Command, "--stack", stack, "--cwd", cwd, ...passThrough],
      env,
    );
    if (code !== 0) {
      if (layers.length > 1) log(`Stopped at the ${layer} layer; later layers were not touched.`);
      return code;
    }
  }
  return 0;
};

if (import.meta.main) {
  const code = await pulumiCommand(process.argv.slice(2), {
    root: resolve(import.meta.dirname, ".."),
    env: process.env,
    run: async (argv, env) => Bun.spawn(argv, { env, stdio: ["inherit", "inherit", "inherit"] }).exited,
    capture: async (argv) => {
      try {
        const child = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore" });
        return (await child.exited) === 0 ? await new Response(child.stdout).text() : undefined;
      } catch {
        return undefined;
      }
    },
    log: (line) => console.error(line),
  });
  process.exit(code);
}
