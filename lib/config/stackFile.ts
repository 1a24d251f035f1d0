/**
 * Raw config from where Pulumi keeps it: a stack file on disk (offline render and validation) or
 * the running program's config (inside `pulumi up`). Both become the same `RawConfig`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { parse as parseYaml } from "yaml";
import { LAYERS, type Layer, projectName } from "../layers.ts";
import { configSchemas, parseConfig } from "./registry.ts";
import { type ConfigError, ENCRYPTED, type KeySpecs, type RawConfig, type RawValue } from "./schema.ts";

export const stackFilePath = (root: string, layer: Layer, stack: string): string =>
  join(root, "config", layer, `Pulumi.${stack}.yaml`);

const isEncrypted = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "secure" in value;

/** Pulumi hands structured values (lists, maps) to programs as JSON text; do the same. */
const toRawValue = (value: unknown): RawValue => {
  if (isEncrypted(value)) return ENCRYPTED;
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
};

/** Keeps the keys of `layer`'s project, without their `project:` prefix. Other namespaces are left alone. */
export const rawConfigFromEntries = (
  layer: Layer,
  entries: Iterable<readonly [string, unknown]>,
): Result<RawConfig, ConfigError[]> => {
  const prefix = `${projectName(layer)}:`;
  const raw: Record<string, RawValue> = {};
  const errors: ConfigError[] = [];
  for (const [fullKey, value] of entries) {
    if (fullKey.startsWith(prefix)) {
      raw[fullKey.slice(prefix.length)] = toRawValue(value);
    } else if (fullKey.startsWith("homelab-")) {
      errors.push({
        layer,
        key: fullKey,
        message: `is in another layer's namespace; this stack file configures ${projectName(layer)}`,
        fix: `rename it to ${prefix}${fullKey.slice(fullKey.indexOf(":") + 1)}, or move it to that layer's stack file`,
      });
    }
  }
  return errors.length > 0 ? err(errors) : ok(raw);
};

export const readStackFile = (
  root: string,
  layer: Layer,
  stack: string,
): Result<RawConfig, ConfigError[]> => {
  const path = stackFilePath(root, layer, stack);
  const relative = `config/${layer}/Pulumi.${stack}.yaml`;
  if (!existsSync(path)) {
    return err([
      {
        layer,
        key: relative,
        message: "does not exist",
        fix: `create it: cp config/${layer}/Pulumi.example.yaml ${relative}, then set your values`,
      },
    ]);
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    return err([
      { layer, key: relative, message: `is not valid YAML (${reason})`, fix: "fix the YAML syntax" },
    ]);
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return err([
      { layer, key: relative, message: "has no `config:` map", fix: "put the keys under `config:`" },
    ]);
  }
  return rawConfigFromEntries(layer, Object.entries(config));
};

/** Reads and checks every layer's stack file: all errors of all layers at once. */
export const readStackConfig = (
  root: string,
  stack: string,
): Result<Record<Layer, RawConfig>, ConfigError[]> => {
  const errors: ConfigError[] = [];
  const raw: Partial<Record<Layer, RawConfig>> = {};
  for (const layer of LAYERS) {
    const read = readStackFile(root, layer, stack).andThen((values) =>
      parseConfig(layer, values).map(() => values),
    );
    if (read.isOk()) raw[layer] = read.value;
    else errors.push(...read.error);
  }
  return errors.length > 0 ? err(errors) : ok(raw as Record<Layer, RawConfig>);
};

/**
 * The plaintexts in a secret key's raw value: the value itself, or for a structured value (a map
 * such as app_secrets, which Pulumi hands over as JSON text) each leaf that is not encrypted
 * (`{secure: ...}`). Empty when every leaf is encrypted.
 */
export const plaintextLeaves = (raw: RawValue | undefined): string[] => {
  if (typeof raw !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [raw];
  }
  if (typeof parsed !== "object" || parsed === null) return [raw];
  const leaves = (value: unknown): string[] => {
    if (isEncrypted(value)) return [];
    if (Array.isArray(value)) return value.flatMap(leaves);
    if (typeof value === "object" && value !== null) return Object.values(value).flatMap(leaves);
    return value === null || value === undefined ? [] : [String(value)];
  };
  return leaves(parsed);
};

/** Secret keys whose value (or any leaf of it) sits in the stack file in plain text, readable by anyone with the repository. */
export const plaintextSecretKeys = (
  raw: Readonly<Record<Layer, RawConfig>>,
): { layer: Layer; key: string }[] =>
  LAYERS.flatMap((layer) =>
    Object.entries(configSchemas[layer].keys as KeySpecs)
      .filter(([key, spec]) => spec.secret && plaintextLeaves(raw[layer][key]).length > 0)
      .map(([key]) => ({ layer, key })),
  );
