/**
 * What `preview:*`/`deploy:*` check before Pulumi runs (cli/pulumi.ts): the layers' config, the
 * placeholders from the example, the passphrase a file backend needs, and the volume guard.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { stackPlaceholders } from "../lib/config/placeholders.ts";
import type { RawConfig } from "../lib/config/schema.ts";
import {
  plaintextSecretWarnings,
  readStackFile,
  stackProblems,
  stackSecretPlaintexts,
} from "../lib/config/stackFile.ts";
import { runContextOf, type StackLayers } from "../lib/core/layer.ts";
import type { Layer } from "../lib/core/layerNames.ts";
import { formatProblem, redactProblems } from "../lib/core/problem.ts";
import { statefulRecords } from "../lib/guard/records.ts";
import { guardCommand, statefulChanges } from "../lib/guard/stateful.ts";
import { configSchemas, parseConfig } from "../programs/layers.ts";
import { readBaseline, renderForGuard } from "./guard.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The backend Pulumi would use: PULUMI_BACKEND_URL, else the one `pulumi login` recorded; undefined for none. */
const configuredBackend = (env: Env): string | undefined => {
  if (env.PULUMI_BACKEND_URL) return env.PULUMI_BACKEND_URL;
  const credentials = join(env.PULUMI_HOME ?? join(env.HOME ?? homedir(), ".pulumi"), "credentials.json");
  if (!existsSync(credentials)) return undefined;
  try {
    return (JSON.parse(readFileSync(credentials, "utf8")) as { current?: string }).current || undefined;
  } catch {
    return undefined;
  }
};
export const backendConfigured = (env: Env): boolean => configuredBackend(env) !== undefined;

/**
 * Why Pulumi would stop to ask for the passphrase (logged), or undefined: a file backend (ours or
 * `pulumi login --local`) encrypts secrets with a passphrase, which must be in the environment.
 */
export const missingPassphrase = (env: Env): string | undefined => {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return undefined;
  const backend = configuredBackend(env);
  if (backend !== undefined && !backend.startsWith("file:")) return undefined;
  return (
    `The ${backend === undefined ? "local file backend (.pulumi-state/)" : `file backend ${backend}`} encrypts secrets with a passphrase, and none is set; Pulumi was not called.\n` +
    "  fix: export PULUMI_CONFIG_PASSPHRASE='<your passphrase>' (or PULUMI_CONFIG_PASSPHRASE_FILE=<a file holding it>), or `pulumi login` to a backend that needs none"
  );
};

/**
 * Every config error of the layers, a warning per secret kept in plain text in their stack files,
 * and every placeholder from the example they still hold.
 */
export const checkLayers = (root: string, layers: readonly Layer[], stack: string) => {
  const errors: string[] = [];
  const raw: Partial<Record<Layer, RawConfig>> = {};
  const read: Partial<Record<Layer, RawConfig>> = {};
  for (const layer of layers) {
    const file = readStackFile(configSchemas, root, layer, stack);
    if (file.isOk()) read[layer] = file.value;
    const result = file.andThen((values) => parseConfig(layer, values).map(() => values));
    if (result.isOk()) raw[layer] = result.value;
    // No secret of the stack is printed, whichever key carried it.
    else
      errors.push(
        ...redactProblems(result.error, stackSecretPlaintexts(configSchemas, root, stack)).map(formatProblem),
      );
  }
  // With every layer (`all`), the checks across layers too; a one-layer command sees its own keys only.
  errors.push(...stackProblems(configSchemas, read).map(formatProblem));
  const placeholders = redactProblems(
    stackPlaceholders(configSchemas, root, raw, stack),
    stackSecretPlaintexts(configSchemas, root, stack),
  ).map(formatProblem);
  return { errors, warnings: plaintextSecretWarnings(configSchemas, raw, stack), placeholders };
};

/**
 * Why the volume guard stops a deploy of `layers` (lines to log), or an empty list. Runs only when
 * the stack has a baseline (guard/<stack>.json): a deleted, replaced, shrunk or unprotected object
 * of those layers stops it; a new one does not (it is an addition the baseline records later).
 */
export const guardRefusal = async (
  root: string,
  stack: string,
  layers: readonly Layer[],
  _env: Env,
  stackLayers?: StackLayers,
): Promise<string[]> => {
  const relative = `guard/${stack}.json`;
  const baseline = readBaseline(join(root, relative), relative);
  if (baseline.isErr()) return [`The volume guard cannot read its baseline: ${baseline.error}`];
  if (baseline.value === undefined) return [];
  const rendered = await renderForGuard(root, stack, runContextOf(new Date()), stackLayers);
  if (rendered.isErr()) return rendered.error;
  const { losses, additions } = statefulChanges(baseline.value, statefulRecords(rendered.value), stack);
  const ofLayers = (finding: { where: { object?: string } }) =>
    layers.some((layer) => finding.where.object?.startsWith(`${layer}/`));
  const lost = losses.filter(ofLayers);
  if (lost.length === 0) return [];
  return [
    `The volume guard stopped the deploy of stack ${stack}: ${lost.length} change(s) against ${relative} would lose data; Pulumi was not called:\n`,
    ...lost.map((finding) => `  ${formatProblem(finding)}`),
    "",
    `Check them with: ${guardCommand(stack)}${additions.length > 0 ? ` (it also lists ${additions.length} new object(s) to accept)` : ""}`,
  ];
};
