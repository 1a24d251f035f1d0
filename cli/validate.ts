/**
 * `bun run validate [--stack home]`: checks a stack's config for every layer and prints every
 * problem at once. Exits non-zero when there is any; touches nothing.
 */
import "../lib/render/skipClosureSerialization.ts";
import { resolve } from "node:path";
import { formatConfigError } from "../lib/config/schema.ts";
import { plaintextSecretKeys, readStackConfig } from "../lib/config/stackFile.ts";
import { publicDnsNotice } from "../lib/network/config.ts";
import { parseArgs } from "./args.ts";

/** The example stack keeps obviously fake secrets in plain text so the render works offline. */
const EXAMPLE_STACK = "example";

export const validateStack = (root: string, stack: string): { ok: boolean; lines: string[] } => {
  const result = readStackConfig(root, stack);
  if (result.isErr()) {
    return {
      ok: false,
      lines: [
        `Stack ${stack}: ${result.error.length} config error(s):`,
        ...result.error.map(
          (error, i) => `${String(i + 1).padStart(3)}. ${formatConfigError(error).replaceAll("\n", "\n   ")}`,
        ),
      ],
    };
  }
  const warnings =
    stack === EXAMPLE_STACK
      ? []
      : plaintextSecretKeys(result.value).map(({ layer, key }) => {
          // A map (app_secrets) is encrypted value by value, through its path.
          const isMap = String(result.value[layer][key]).trim().startsWith("{");
          const target = isMap ? `--path '${key}.<app>.<name>'` : key;
          return (
            `warning: ${layer}: ${key} is stored in plain text in config/${layer}/Pulumi.${stack}.yaml; ` +
            `encrypt it: cd programs/${layer} && pulumi config set --secret ${target} <value> --stack ${stack}`
          );
        });
  const notice = publicDnsNotice(result.value.network);
  return {
    ok: true,
    lines: [`Stack ${stack}: the config of every layer is valid.`, ...warnings, ...(notice ? [notice] : [])],
  };
};

/** Plans every layer in memory (nothing is written) and runs the preflight over them. */
export const preflightStack = async (
  root: string,
  stack: string,
): Promise<{ ok: boolean; lines: string[] }> => {
  const [{ renderStack, preflightOf }, { programs }, { formatPreflightProblem }] = await Promise.all([
    import("../lib/render/render.ts"),
    import("../programs/index.ts"),
    import("../lib/preflight/index.ts"),
  ]);
  const rendered = await renderStack(programs, root, stack);
  if (rendered.isErr()) return { ok: false, lines: rendered.error.map(formatConfigError) };
  const problems = preflightOf(rendered.value);
  return problems.length === 0
    ? { ok: true, lines: [`Stack ${stack}: the preflight found nothing a first deploy would fail on.`] }
    : {
        ok: false,
        lines: [
          `Stack ${stack}: the preflight found ${problems.length} problem(s) a real deploy would hit:`,
          ...problems.map((problem, i) => `${String(i + 1).padStart(3)}. ${formatPreflightProblem(problem)}`),
        ],
      };
};

if (import.meta.main) {
  const options = parseArgs(process.argv.slice(2));
  const root = resolve(import.meta.dirname, "..");
  const config = validateStack(root, options.stack);
  const checks = config.ok ? [config, await preflightStack(root, options.stack)] : [config];
  const ok = checks.every((check) => check.ok);
  (ok ? console.log : console.error)(checks.flatMap((check) => check.lines).join("\n"));
  process.exit(ok ? 0 : 1);
}
