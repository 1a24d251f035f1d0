/**
 * `bun run render [--stack example] [--out out]`: the whole cluster, offline. Writes
 * out/<layer>.yaml (Kubernetes objects), out/<layer>.helm.yaml (Helm releases) and
 * out/<layer>.external.yaml (resources outside the cluster), then prints a summary.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatConfigError } from "../lib/config/schema.ts";
import { renderStack } from "../lib/render/render.ts";
import { summarize } from "../lib/render/summary.ts";
import { programs } from "../programs/index.ts";
import { parseArgs } from "./args.ts";

const root = resolve(import.meta.dir, "..");
const options = parseArgs(process.argv.slice(2), { stack: "example" });
const result = await renderStack(programs, root, options.stack);

if (result.isErr()) {
  console.error(`Stack ${options.stack} has ${result.error.length} config error(s); nothing was rendered:\n`);
  for (const error of result.error) console.error(`  ${formatConfigError(error)}`);
  process.exit(1);
}

const outDir = resolve(root, options.out);
mkdirSync(outDir, { recursive: true });
for (const layer of result.value) {
  for (const [file, text] of Object.entries(layer.files)) writeFileSync(join(outDir, file), text);
}
console.log(summarize(options.stack, result.value));
console.log(`\nWrote ${result.value.length * 3} files to ${options.out}/`);
