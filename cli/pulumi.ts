/**
 * `bun cli/pulumi.ts <preview|up|destroy|init> <layer|all> [--stack home] [--confirm-data-loss] [-- pulumi args]`
 * (the package scripts preview:<layer>, deploy:<layer>, destroy:<layer>, deploy and stack:init).
 * `init` only creates the stack in each layer's project (before any config is set).
 *
 * Validates the stack's config first and calls Pulumi only when it is valid; picks a local file
 * backend inside the repository when none is configured; refuses to destroy a layer that holds data
 * unless --confirm-data-loss is given.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StackLayers } from "../lib/core/layer.ts";
import { DATA_HELD, isLayer, LAYERS, type Layer } from "../lib/core/layerNames.ts";
import { versionAtLeast } from "../lib/core/version.ts";
import {
  isMain,
  parseCommand,
  type StackCommandSpec,
  stackOption,
  stackOptionSpec,
  USAGE_EXIT,
  usageText,
} from "./args.ts";
import { backendConfigured, checkLayers, guardRefusal, missingPassphrase } from "./deployChecks.ts";
import { explainFailedDeploy } from "./diagnose.ts";
import { passThroughProblem } from "./passThrough.ts";
import { resumeInterrupted } from "./resume.ts";

export const MINIMUM_PULUMI = [3, 227, 0] as const;
const COMMANDS = ["preview", "up", "destroy", "init"] as const;
type Command = (typeof COMMANDS)[number];

export interface Environment {
  root: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Runs a command with inherited stdio; resolves to its exit code. */
  run(argv: string[], env: Record<string, string | undefined>): Promise<number>;
  /** Runs a command (in `env`, else the process's) and returns its stdout, or undefined when it fails. */
  capture(argv: string[], env?: Record<string, string | undefined>): Promise<string | undefined>;
  log(line: string): void;
  /** The layers the volume guard renders before a deploy; the programs' own unless replaced. */
  layers?: StackLayers;
  /** After a failed deploy, what the cluster says is not Ready (cli/diagnose.ts) unless replaced. */
  explainFailure?: () => Promise<void>;
  /** Runs one layer's preview, up or destroy; the Pulumi CLI in the layer's folder unless replaced. */
  operate?: (operation: Operation, env: Record<string, string | undefined>) => Promise<number>;
}

/** One Pulumi operation on one layer's project; `args` are the user's, after `--`. */
export interface Operation {
  command: "preview" | "up" | "destroy";
  layer: Layer;
  stack: string;
  /** programs/<layer>: its Pulumi.yaml names the project and its stack config folder. */
  cwd: string;
  args: readonly string[];
}

const cliOperation =
  (environment: Environment) =>
  (operation: Operation, env: Record<string, string | undefined>): Promise<number> =>
    environment.run(
      ["pulumi", operation.command, "--stack", operation.stack, "--cwd", operation.cwd, ...operation.args],
      env,
    );

export const PULUMI: StackCommandSpec = {
  usage: `bun cli/pulumi.ts <${COMMANDS.join("|")}> <${LAYERS.join("|")}|all> [--stack <name>] [--confirm-data-loss] [-- <pulumi args>]  (or: bun run deploy:<layer> --stack <name>)`,
  options: {
    stack: stackOptionSpec("yours", "use"),
    "confirm-data-loss": { type: "boolean", doc: "needed by destroy: you accept losing the layer's data" },
  },
  positionals: ["command", "layer"],
  stack: "yours",
};

/** The package script a command line stands for, for the fixes. */
const scriptOf = (command: Command, target: string): string =>
  command === "init"
    ? "stack:init"
    : command === "up"
      ? target === "all"
        ? "deploy"
        : `deploy:${target}`
      : `${command}:${target}`;

const PLAINTEXT_BANNER =
  "!!! WARNING: secrets are stored in plain text in the stack file(s) below. Anyone with the repository can read them.";

interface Request {
  command: Command;
  layers: Layer[];
  stack: string;
  confirmed: boolean;
  passThrough: string[];
}

/** The command line as a request, or the exit code when it stops here: 0 for --help, 2 for a mistake (logged). */
const readRequest = (argv: readonly string[], environment: Environment): Request | number => {
  const separator = argv.indexOf("--");
  const parsed = parseCommand(PULUMI, separator === -1 ? argv : argv.slice(0, separator));
  const { log } = environment;
  if (parsed.isErr()) {
    log(parsed.error);
    return USAGE_EXIT;
  }
  if (parsed.value.help) {
    log(parsed.value.text);
    return 0;
  }
  const [command, target] = parsed.value.positionals as [string | undefined, string | undefined];
  const knownCommand = COMMANDS.includes(command as Command);
  if (!knownCommand || !(target === "all" || (target && isLayer(target)))) {
    const problem =
      command === undefined
        ? "missing <command>"
        : !knownCommand
          ? `unknown command ${JSON.stringify(command)}`
          : target === undefined
            ? "missing <layer>"
            : `unknown layer ${JSON.stringify(target)}`;
    log(usageText(PULUMI, problem));
    return USAGE_EXIT;
  }
  if (command === "destroy" && target === "all") {
    log("Refusing to destroy every layer at once: destroy them one by one, apps first.");
    return USAGE_EXIT;
  }
  const stack = stackOption(PULUMI, parsed.value.values, environment.env);
  if (stack.isErr()) {
    log(stack.error);
    return USAGE_EXIT;
  }
  const passThrough = separator === -1 ? [] : argv.slice(separator + 1);
  const refused = passThroughProblem(passThrough, scriptOf(command as Command, target));
  if (refused) {
    log(usageText(PULUMI, refused));
    return USAGE_EXIT;
  }
  return {
    command: command as Command,
    layers: target === "all" ? [...LAYERS] : [target as Layer],
    stack: stack.value,
    confirmed: parsed.value.values["confirm-data-loss"] === true,
    passThrough,
  };
};

/** Why the layers' config stops the command (logged), after a loud warning about plaintext secrets. */
const configRefuses = (request: Request, environment: Environment): boolean => {
  const { errors, warnings, placeholders } = checkLayers(environment.root, request.layers, request.stack);
  const { log } = environment;
  if (errors.length > 0) {
    log(`Stack ${request.stack} has ${errors.length} config error(s); Pulumi was not called:\n`);
    for (const error of errors) log(`  ${error}`);
    return true;
  }
  if (warnings.length > 0) log([PLAINTEXT_BANNER, ...warnings, ""].join("\n"));
  // Destroying a stack that still holds placeholders is allowed: it may be how one gets rid of it.
  if (request.command !== "destroy" && placeholders.length > 0) {
    log(
      `Stack ${request.stack} still holds ${placeholders.length} placeholder(s) from the example; Pulumi was not called:\n`,
    );
    for (const placeholder of placeholders) log(`  ${placeholder}`);
    log(`\nSet your own values, then: bun run validate --stack ${request.stack}`);
    return true;
  }
  if (request.command === "destroy" && !request.confirmed) {
    const layer = request.layers[0] as Layer;
    log(
      `Refusing to destroy the ${layer} layer of stack ${request.stack}: it deletes ${DATA_HELD[layer]}.\n` +
        "Back up first. Protected resources also need `pulumi state unprotect` before Pulumi deletes them.\n" +
        `If you really mean it: bun run destroy:${layer} --stack ${request.stack} --confirm-data-loss`,
    );
    return true;
  }
  return false;
};

/** Whether a new enough Pulumi CLI is installed (what is wrong is logged). */
const pulumiReady = async (environment: Environment): Promise<boolean> => {
  const version = await environment.capture(["pulumi", "version"]);
  if (version === undefined) {
    environment.log(
      `The Pulumi CLI was not found. Install ${MINIMUM_PULUMI.join(".")} or newer: https://www.pulumi.com/docs/install/`,
    );
    return false;
  }
  if (!versionAtLeast(version, MINIMUM_PULUMI)) {
    environment.log(
      `Pulumi ${version.trim()} is too old for runtime: bun; upgrade to ${MINIMUM_PULUMI.join(".")} or newer.`,
    );
    return false;
  }
  return true;
};

/** The environment Pulumi runs in: a local file backend in the repository when none is configured. */
const pulumiEnv = (environment: Environment): Record<string, string | undefined> => {
  const env: Record<string, string | undefined> = { ...environment.env };
  if (!backendConfigured(environment.env)) {
    const state = join(environment.root, ".pulumi-state");
    mkdirSync(state, { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${state}`;
    environment.log(
      "No Pulumi backend is configured: using a local file backend in .pulumi-state/ (git-ignored).\n" +
        "Keep that folder safe (it is the only record of what was deployed), or `pulumi login` to another backend.",
    );
  }
  return env;
};

export const pulumiCommand = async (argv: readonly string[], environment: Environment): Promise<number> => {
  const request = readRequest(argv, environment);
  if (typeof request === "number") return request;
  // `init` creates the stacks before any config is set, so it checks none.
  if (request.command !== "init" && configRefuses(request, environment)) return 1;
  if (request.command === "up") {
    const stopped = await guardRefusal(
      environment.root,
      request.stack,
      request.layers,
      environment.env,
      environment.layers,
    );
    if (stopped.length > 0) {
      environment.log(stopped.join("\n"));
      return 1;
    }
  }
  const passphrase = missingPassphrase(environment.env);
  if (passphrase) {
    environment.log(passphrase);
    return 1;
  }
  if (!(await pulumiReady(environment))) return 1;
  const env = pulumiEnv(environment);
  const { stack, layers, command } = request;
  for (const layer of layers) {
    const cwd = join(environment.root, "programs", layer);
    const select = await environment.run(["pulumi", "stack", "select", stack, "--create", "--cwd", cwd], env);
    if (select !== 0 || command === "init") {
      if (select !== 0) return select;
      continue;
    }
    const operate = environment.operate ?? cliOperation(environment);
    // An interrupted deploy's pending creates first: `up` would create those objects again.
    const resumed = command !== "up" || (await resumeInterrupted(environment, { layer, stack, cwd }, env));
    const code = resumed ? await operate({ command, layer, stack, cwd, args: request.passThrough }, env) : 1;
    if (code !== 0) {
      if (command === "up" && resumed)
        await (environment.explainFailure ?? (() => explainFailedDeploy(env, environment.log)))();
      if (layers.length > 1) environment.log(`Stopped at the ${layer} layer; later layers were not touched.`);
      return code;
    }
  }
  if (command === "init")
    environment.log(
      `Stack ${stack} exists for ${layers.join(", ")}. Set its config next (see the README, Configuration), then: bun run validate --stack ${stack}`,
    );
  return 0;
};

/** The real process: commands with inherited stdio, messages on stderr. */
export const processEnvironment = (root: string): Environment => ({
  root,
  env: process.env,
  run: async (argv, env) => Bun.spawn(argv, { env, stdio: ["inherit", "inherit", "inherit"] }).exited,
  capture: async (argv, env) => {
    try {
      const child = Bun.spawn(argv, { env: env ?? process.env, stdout: "pipe", stderr: "ignore" });
      // Read while it runs: a state export outgrows the pipe's buffer.
      const [text, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
      return code === 0 ? text : undefined;
    } catch {
      return undefined;
    }
  },
  log: (line) => console.error(line),
});

if (isMain(import.meta)) {
  process.exit(
    await pulumiCommand(process.argv.slice(2), processEnvironment(resolve(import.meta.dirname, ".."))),
  );
}
