/**
 * `bun run validate [--stack home]`: checks a stack's config for every layer and prints every
 * problem at once. Exits non-zero when there is any; touches nothing.
 */
import { resolve } from "node:path";
import { formatConfigError } from "../lib/config/schema.ts";
import { plaintextSecretKeys, readStackConfig } from "../lib/config/stackFile.ts";
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
  return { ok: true, lines: [`Stack ${stack}: the config of every layer is valid.`, ...warnings] };
};

if (import.meta.main) {
  const options = parseArgs(process.argv.slice(2));
  const { ok, lines } = validateStack(resolve(import.meta.dirname, ".."), options.stack);
  (ok ? console.log : console.error)(lines.join("\n"));
  process.exit(ok ? 0 : 1);
}
