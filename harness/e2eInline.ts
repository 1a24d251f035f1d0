/**
 * `bun harness/e2eInline.ts <preview|up|destroy> <layer|all> --stack <name> [-- <pulumi args>]`: the
 * deploy wrapper (cli/pulumi.ts: config check, refusals, layer order, stop at the first failure)
 * with one difference, for `bun run e2e` on a machine without Pulumi's language hosts: each
 * layer's own program (programs/<layer>/index.ts) runs inline, through the Automation API.
 *
 * @pulumi/pulumi's LocalWorkspace serves an inline program from an in-process LanguageRuntime
 * (automation/server.ts) and hands its address to the CLI with `--client`, which then uses it as
 * the program's runtime whatever Pulumi.yaml names (pulumi/pulumi pkg/cmd/pulumi/operations/io.go),
 * so no `pulumi-language-bun` binary is needed. With `workDir` = programs/<layer>, the CLI still
 * reads that folder's Pulumi.yaml (project name, stackConfigDir) and the stack files, as a deploy
 * does. Inline refresh and destroy need a CLI that reports a semver of at least 3.181.
 *
 * Inline, the wrapper calls each layer's entry itself and so gives it the one thing e2e swaps: the
 * charts' source (lib/pulumi/program.ts, Wiring.charts), the stand-in charts named by
 * STAND_IN_CHARTS_ENV; without it, the pinned charts, as a deploy.
 */
import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runtime } from "@pulumi/pulumi";
import { CommandError, type EngineEvent, LocalWorkspace } from "@pulumi/pulumi/automation/index.js";
import { isMain, USAGE_EXIT } from "../cli/args.ts";
import { type Environment, type Operation, processEnvironment, pulumiCommand } from "../cli/pulumi.ts";
import { projectName } from "../lib/core/layerNames.ts";
import type { Wiring } from "../lib/pulumi/program.ts";
import { STAND_IN_CHARTS_ENV, standInChartSource } from "./engine/standInCharts.ts";

/** Flags that change nothing inline: the Automation API never prompts. */
const NO_OPS = ["--yes", "--non-interactive", "--skip-preview"];
const EXPECT_NO_CHANGES = "--expect-no-changes";
/** Prints each change's property diff, as `pulumi preview --diff`. */
const DIFF = "--diff";

/**
 * Where bun run e2e wants the engine's events of a preview (one JSON per line), to read the plan
 * from the engine's own steps (harness/e2eUpgrade.ts).
 */
export const ENGINE_EVENTS_ENV = "HOMELAB_E2E_ENGINE_EVENTS";

/**
 * How long the provider awaits each resource in this run (customTimeouts on every resource), for
 * the planted never-Ready Deployment only: the provider's own default is 10 minutes.
 */
export const AWAIT_SECONDS_ENV = "HOMELAB_E2E_AWAIT_SECONDS";

const definedOnly = (env: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/** The exit code line of a failed CLI call (its output was streamed already). */
const firstLine = (error: CommandError): string => error.message.split("\n")[0] ?? "";

/** One layer's operation through the Automation API; resolves to an exit code like the CLI's. */
export const inlineOperation =
  (log: (line: string) => void) =>
  async (operation: Operation, env: Record<string, string | undefined>): Promise<number> => {
    const flags = operation.args.filter((arg) => !NO_OPS.includes(arg));
    const unsupported = flags.filter((arg) => arg !== EXPECT_NO_CHANGES && arg !== DIFF);
    if (unsupported.length > 0) {
      log(
        `Inline runs take only ${[...NO_OPS, EXPECT_NO_CHANGES, DIFF].join(", ")} after --; got ${unsupported.join(" ")}`,
      );
      return USAGE_EXIT;
    }
    const entry = join(operation.cwd, "index.ts");
    const standIns = env[STAND_IN_CHARTS_ENV];
    const awaitSeconds = env[AWAIT_SECONDS_ENV];
    const program = async (): Promise<Record<string, unknown>> => {
      if (awaitSeconds) {
        const limit = { create: `${awaitSeconds}s`, update: `${awaitSeconds}s` };
        runtime.registerResourceTransform(({ props, opts }) => ({
          props,
          opts: { ...opts, customTimeouts: limit },
        }));
      }
      const module = (await import(entry)) as {
        default: (swap?: Pick<Wiring, "charts">) => Promise<Record<string, unknown>>;
      };
      return module.default(standIns ? { charts: standInChartSource(standIns) } : {});
    };
    // Pulumi's own output as it comes, like the CLI's; the failure line then only says which step.
    const output = {
      onOutput: (text: string) => process.stdout.write(text),
      onError: (text: string) => process.stderr.write(text),
    };
    const expectNoChanges = flags.includes(EXPECT_NO_CHANGES);
    const diff = flags.includes(DIFF);
    const eventsFile = env[ENGINE_EVENTS_ENV];
    const onEvent = eventsFile
      ? (event: EngineEvent) => appendFileSync(eventsFile, `${JSON.stringify(event)}\n`)
      : undefined;
    try {
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: operation.stack, projectName: projectName(operation.layer), program },
        { workDir: operation.cwd, envVars: definedOnly(env) },
      );
      // The Automation API's up and destroy pass --skip-preview; `pulumi up|destroy --yes` preview
      // first, and a failed preview (a protected resource in a destroy) stops them before any
      // change. So the preview runs first here too.
      if (operation.command === "destroy") {
        await stack.previewDestroy(output);
        await stack.destroy(output);
      } else {
        await stack.preview({ ...output, expectNoChanges, diff, ...(onEvent ? { onEvent } : {}) });
        if (operation.command === "up") await stack.up({ ...output, expectNoChanges });
      }
      return 0;
    } catch (error) {
      const why =
        error instanceof CommandError
          ? firstLine(error)
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error);
      log(`pulumi ${operation.command} of the ${operation.layer} layer (inline) failed: ${why}`);
      return 1;
    }
  };

/** The deploy wrapper with inline programs, for the process's own command line and environment. */
export const main = (argv: readonly string[], environment: Environment): Promise<number> =>
  pulumiCommand(argv, { ...environment, operate: inlineOperation(environment.log) });

if (isMain(import.meta))
  process.exit(await main(process.argv.slice(2), processEnvironment(resolve(import.meta.dirname, ".."))));
