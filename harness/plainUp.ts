/**
 * `bun harness/plainUp.ts <layer> <stack> [<urn>...]`: one layer's program inline (Automation API,
 * as harness/e2eInline.ts runs it), `pulumi up` as an operator would type it without the deploy
 * wrapper: no config check, no resume of an interrupted deploy; only the given URNs when any
 * (`--target`). `bun run e2e:resume` (harness/e2eResume.ts) runs it to show what the wrapper spares
 * the operator. Exit 0 when the update succeeded, 1 when it failed (Pulumi's output streamed).
 */
import { join, resolve } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation/index.js";
import { isMain } from "../cli/args.ts";
import { isLayer, projectName } from "../lib/core/layerNames.ts";
import type { Wiring } from "../lib/pulumi/program.ts";
import { STAND_IN_CHARTS_ENV, standInChartSource } from "./engine/standInCharts.ts";

const ROOT = resolve(import.meta.dirname, "..");

const definedOnly = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

export const main = async (argv: readonly string[]): Promise<number> => {
  const [layer, stackName, ...targets] = argv;
  if (!layer || !isLayer(layer) || !stackName) {
    console.error("usage: bun harness/plainUp.ts <layer> <stack> [<urn>...]");
    return 2;
  }
  const cwd = join(ROOT, "programs", layer);
  const program = async (): Promise<Record<string, unknown>> => {
    const module = (await import(join(cwd, "index.ts"))) as {
      default: (swap?: Pick<Wiring, "charts">) => Promise<Record<string, unknown>>;
    };
    // The stand-in charts, as the wrapper's inline runs get them (harness/e2eInline.ts).
    const standIns = process.env[STAND_IN_CHARTS_ENV];
    return module.default(standIns ? { charts: standInChartSource(standIns) } : {});
  };
  const stack = await LocalWorkspace.selectStack(
    { stackName, projectName: projectName(layer), program },
    { workDir: cwd, envVars: definedOnly(process.env) },
  );
  try {
    await stack.up({
      ...(targets.length > 0 ? { target: targets } : {}),
      onOutput: (text) => process.stdout.write(text),
      onError: (text) => process.stderr.write(text),
    });
    return 0;
  } catch {
    return 1;
  }
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
