/**
 * `bun run docs`: rewrites what the README shows from the code: the config reference from the
 * config schemas, and docs/cluster.svg, the example stack's drawn plan, as `bun run render` draws it.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { withConfigReference } from "../lib/config/reference.ts";
import { runContextOf } from "../lib/core/layer.ts";
import { formatProblem } from "../lib/core/problem.ts";
import { drawCluster } from "../lib/render/drawing/draw.ts";
import { renderStackFiles } from "../lib/render/render.ts";
import { summarize } from "../lib/render/summary.ts";
import { configSchemas, loadLayers } from "../programs/layers.ts";
import { type CliIo, type CommandSpec, isMain, processIo, readCommandLine } from "./args.ts";

export const DOCS: CommandSpec = { usage: "bun run docs", options: {} };

/** Where the README's picture lives, from the repository root. */
export const README_DRAWING = "docs/cluster.svg";

/** The example stack's drawing, exactly as `bun run render` writes out/cluster.svg. */
const exampleDrawing = async (root: string, io: CliIo): Promise<string | undefined> => {
  const run = runContextOf(new Date());
  const layers = renderStackFiles(await loadLayers(), root, "example", run);
  if (layers.isErr()) {
    io.err(`The example stack does not render:\n${layers.error.map(formatProblem).join("\n")}`);
    return undefined;
  }
  return (await drawCluster("example", layers.value, summarize("example", layers.value))).svg;
};

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
): Promise<number> => {
  const parsed = readCommandLine(DOCS, argv, io);
  if (parsed.isErr()) return parsed.error;
  const path = resolve(root, "README.md");
  try {
    writeFileSync(path, withConfigReference(readFileSync(path, "utf8"), configSchemas));
  } catch (error) {
    io.err(`README.md cannot be read or written (${(error as { code?: string }).code ?? "unknown error"})`);
    return 1;
  }
  io.out("README.md: config reference updated");
  const svg = await exampleDrawing(root, io);
  if (svg === undefined) return 1;
  mkdirSync(join(root, "docs"), { recursive: true });
  writeFileSync(join(root, README_DRAWING), svg);
  io.out(`${README_DRAWING}: the example stack's drawing updated`);
  return 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
