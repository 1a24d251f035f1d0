/**
 * `bun run guard [--stack example] [--accept]`: renders the stack and compares everything that
 * holds data with the committed baseline guard/<stack>.json. Any deletion, rename, replacement or
 * shrink fails, naming the object and the change; `--accept` records the current state as the new
 * baseline, to commit together with the change that needs it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatConfigError } from "../lib/config/schema.ts";
import {
  compareStateful,
  formatFinding,
  type StatefulRecord,
  statefulRecords,
} from "../lib/guard/stateful.ts";
import { renderStack } from "../lib/render/render.ts";
import { programs } from "../programs/index.ts";
import { parseArgs } from "./args.ts";

const root = resolve(import.meta.dirname, "..");
const options = parseArgs(process.argv.slice(2), { stack: "example" });
const baselinePath = join(root, "guard", `${options.stack}.json`);
const relative = `guard/${options.stack}.json`;

const rendered = await renderStack(programs, root, options.stack);
if (rendered.isErr()) {
  console.error(rendered.error.map(formatConfigError).join("\n"));
  process.exit(1);
}
const current = statefulRecords(rendered.value);

if (options.flags.has("--accept")) {
  if (existsSync(baselinePath)) {
    const accepted = compareStateful(
      JSON.parse(readFileSync(baselinePath, "utf8")) as StatefulRecord[],
      current,
    );
    if (accepted.length > 0) {
      console.log(`Accepting ${accepted.length} change(s) to ${relative}:\n`);
      for (const finding of accepted) console.log(`  ${finding.id} ${finding.change}`);
      console.log("");
    }
  }
  mkdirSync(dirname(baselinePath), { recursive: true });
  writeFileSync(baselinePath, `${JSON.stringify(current, null, 2)}\n`);
  console.log(
    `${relative}: recorded ${current.length} stateful objects. Commit it with the change that needs it.`,
  );
  process.exit(0);
}

if (!existsSync(baselinePath)) {
  console.error(
    `${relative} does not exist. Record the current state first: bun run guard --stack ${options.stack} --accept`,
  );
  process.exit(1);
}
const baseline = JSON.parse(readFileSync(baselinePath, "utf8")) as StatefulRecord[];
const findings = compareStateful(baseline, current);
if (findings.length > 0) {
  console.error(`The volume guard stopped ${findings.length} change(s) that would lose data:\n`);
  for (const finding of findings) console.error(`  ${formatFinding(finding)}`);
  process.exit(1);
}
console.log(`Volume guard: ${current.length} stateful objects match ${relative}.`);
