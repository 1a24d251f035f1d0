/**
 * `bun run render [--stack example] [--out out]`: the whole cluster, offline. Writes
 * out/<layer>.yaml (Kubernetes objects), out/<layer>.helm.yaml (Helm releases) and
 * out/<layer>.external.yaml (resources outside the cluster), then prints a summary.
 */
import "../lib/render/skipClosureSerialization.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ConfigError, formatConfigError } from "../lib/config/schema.ts";
import { readStackConfig } from "../lib/config/stackFile.ts";
import { parseArgs } from "./args.ts";

const root = resolve(import.meta.dirname, "..");
const options = parseArgs(process.argv.slice(2), { stack: "example" });

// Check the config before loading Pulumi, so a mistake is reported at once.
const config = readStackConfig(root, options.stack);
if (config.isErr()) fail(config.error);

const [{ renderStack, preflightOf }, { summarize }, { programs }, { formatPreflightProblem }] =
  await Promise.all([
    import("../lib/render/render.ts"),
    import("../lib/render/summary.ts"),
    import("../programs/index.ts"),
    import("../lib/preflight/index.ts"),
  ]);
const result = await renderStack(programs, root, options.stack).catch((error: unknown) => {
  // A program refused to run (e.g. an upstream contract broke): its message says why; no stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
if (result.isErr()) fail(result.error);

// A render that a real first deploy would fail on is refused, like a config error.
const problems = preflightOf(result.value);
if (problems.length > 0) {
  console.error(`Preflight: ${problems.length} problem(s) a real deploy would hit; nothing was rendered:\n`);
  for (const problem of problems) console.error(`  ${formatPreflightProblem(problem)}`);
  process.exit(1);
}

const outDir = resolve(root, options.out);
mkdirSync(outDir, { recursive: true });
for (const layer of result.value) {
  for (const [file, text] of Object.entries(layer.files)) writeFileSync(join(outDir, file), text);
}
console.log(summarize(options.stack, result.value));
console.log(
  "\nPreflight: passed (one release per CRD, control-plane tolerations, awaits, webhook gates, one LAN IP per host).",
);
console.log(`\nWrote ${result.value.length * 3} files to ${options.out}/`);

function fail(errors: readonly ConfigError[]): never {
  console.error(`Stack ${options.stack} has ${errors.length} config error(s); nothing was rendered:\n`);
  for (const error of errors) console.error(`  ${formatConfigError(error)}`);
  process.exit(1);
}
