/** `bun run docs`: rewrites the README's config reference from the config schemas. */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { withConfigReference } from "../lib/config/reference.ts";
import { configSchemas } from "../programs/layers.ts";
import { type CliIo, type CommandSpec, isMain, processIo, readCommandLine } from "./args.ts";

export const DOCS: CommandSpec = { usage: "bun run docs", options: {} };

export const main = (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
) => {
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
  return 0;
};

if (isMain(import.meta)) process.exit(main(process.argv.slice(2)));
