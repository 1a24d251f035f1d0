/**
 * Raw config from where Pulumi keeps it: a stack file on disk (offline render and validation) or
 * the running program's config (inside `pulumi up`). Both become the same `RawConfig`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, Result } from "neverthrow";
import { parseDocument } from "yaml";
import { LAYERS, type Layer, projectName } from "../core/layerNames.ts";
import { type Problem, problem, within } from "../core/problem.ts";
import { editDistance, parseLayer, type StackSchemas } from "./registry.ts";
import { ENCRYPTED, type KeySchemas, partialConfig, type RawConfig, type RawValue } from "./schema.ts";

const stackFilePath = (root: string, layer: Layer, stack: string): string =>
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

/** `key:` with nothing after it: YAML reads null, which must never become the text "null". */
const isBlank = (value: unknown): boolean => value === null || value === undefined;

/** Why a stack-file key outside `layer`'s project is an error, or undefined for another tool's namespace (e.g. `kubernetes:`). */
const foreignKeyError = (layer: Layer, fullKey: string, stack: string): Problem | undefined => {
  const prefix = `${projectName(layer)}:`;
  const colon = fullKey.indexOf(":");
  const [namespace, name] =
    colon === -1 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
  const owner = LAYERS.find((other) => projectName(other) === namespace);
  if (colon === -1) {
    return problem(
      { layer, key: fullKey },
      `has no project prefix, so Pulumi does not read it as a ${layer} setting`,
      `write it as ${prefix}${name}`,
    );
  }
  if (owner) {
    return problem(
      { layer, key: fullKey },
      `is in the ${owner} layer's namespace; this stack file configures ${projectName(layer)}`,
      `move it to config/${owner}/Pulumi.${stack}.yaml, or rename it to ${prefix}${name}`,
    );
  }
  const nearLayer = namespace.startsWith("homelab") || editDistance(namespace, projectName(layer)) <= 2;
  return nearLayer
    ? problem(
        { layer, key: fullKey },
        `has the prefix ${namespace}:, which is no layer's project`,
        `write it as ${prefix}${name}`,
      )
    : undefined;
};

/**
 * Keeps the keys of `layer`'s project, without their `project:` prefix. A key without a prefix,
 * with another layer's prefix or with a misspelt one is an error naming the key and its right
 * form; other tools' namespaces (e.g. `kubernetes:`) are left alone. Values are never echoed.
 */
export const rawConfigFromEntries = (
  schemas: StackSchemas,
  layer: Layer,
  entries: Iterable<readonly [string, unknown]>,
  stack = "<stack>",
): Result<RawConfig, Problem[]> => {
  const prefix = `${projectName(layer)}:`;
  const raw: Record<string, RawValue> = {};
  const errors: Problem[] = [];
  const blank = new Set<string>();
  for (const [fullKey, value] of entries) {
    if (!fullKey.startsWith(prefix)) {
      const error = foreignKeyError(layer, fullKey, stack);
      if (error) errors.push(error);
      continue;
    }
    const key = fullKey.slice(prefix.length);
    if (isBlank(value)) {
      blank.add(key);
      errors.push(
        problem(
          { layer, key },
          "is empty (nothing follows the colon)",
          `give it a value, or delete the line to leave ${key} unset`,
        ),
      );
    } else raw[key] = toRawValue(value);
  }
  if (errors.length === 0) return ok(raw);
  // Every problem at once: the other keys are checked too (a blank key is not also "required").
  const others = parseLayer(schemas, layer, raw).match(
    () => [],
    (found) => found.filter((error) => !blank.has(error.where.key ?? "")),
  );
  return err([...errors, ...others]);
};

/** Words for the YAML library's error codes; its own messages can quote the file's text, a secret included. */
const YAML_PROBLEMS: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: "a key appears twice",
  BAD_INDENT: "the indentation is wrong",
  TAB_AS_INDENT: "a tab is used for indentation (use spaces)",
  MISSING_CHAR: "a character is missing (a space after a colon, a closing quote or bracket?)",
  MULTILINE_IMPLICIT_KEY: "a key runs over more than one line (a missing colon or quote?)",
  BLOCK_AS_IMPLICIT_KEY: "a key runs over more than one line (a missing colon or quote?)",
  BAD_SCALAR_START: "a value starts with a character YAML reserves (quote the value)",
  BAD_DQ_ESCAPE: "a double-quoted value has an invalid escape (use single quotes)",
  MULTIPLE_DOCS: "the file holds more than one YAML document",
};

/** The parsed YAML document, or one error per syntax problem naming the file, line and column (never the text). */
const parseStackYaml = (layer: Layer, relative: string, text: string): Result<unknown, Problem[]> => {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length === 0) return ok(document.toJS());
  const errors = document.errors.map((error) => {
    const position = error.linePos?.[0];
    const at = position ? ` at line ${position.line}, column ${position.col}` : "";
    const what = YAML_PROBLEMS[error.code] ?? error.code.toLowerCase().replaceAll("_", " ");
    return problem(
      { layer, file: relative },
      `is not valid YAML${at}: ${what}`,
      "fix the YAML syntax there (keys as `homelab-<layer>:<key>: value`, two-space indentation)",
    );
  });
  // One line per distinct problem: the parser may report the same spot twice.
  return err(errors.filter((error, i) => errors.findIndex((other) => other.what === error.what) === i));
};

/**
 * A stack file's `config:` map as written: keys with their project prefix (`homelab-network:domain`),
 * values as YAML reads them (lists and maps as such, `{secure: ...}` for an encrypted one). The one
 * place a stack file is read; `readStackFile` checks and flattens it.
 */
export const readStackFileConfig = (
  root: string,
  layer: Layer,
  stack: string,
): Result<Readonly<Record<string, unknown>>, Problem[]> => {
  const path = stackFilePath(root, layer, stack);
  const relative = `config/${layer}/Pulumi.${stack}.yaml`;
  if (!existsSync(path)) {
    return err([
      problem(
        { layer, file: relative },
        "does not exist",
        `create it: cp config/${layer}/Pulumi.example.yaml ${relative}, then set your values`,
      ),
    ]);
  }
  return parseStackYaml(layer, relative, readFileSync(path, "utf8")).andThen((document) => {
    const config = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      return err([
        problem({ layer, file: relative }, "has no `config:` map", "put the keys under `config:`"),
      ]);
    }
    return ok(config as Readonly<Record<string, unknown>>);
  });
};

/** A layer's stack file as raw config: its project's keys without the prefix, every problem at once. */
export const readStackFile = (
  schemas: StackSchemas,
  root: string,
  layer: Layer,
  stack: string,
): Result<RawConfig, Problem[]> =>
  readStackFileConfig(root, layer, stack).andThen((config) =>
    rawConfigFromEntries(schemas, layer, Object.entries(config), stack),
  );

/** A stack's config as read from its files, and as parsed (each layer parsed once). */
export interface StackConfig {
  raw: Record<Layer, RawConfig>;
  parsed: Record<Layer, object>;
}

/**
 * The checks across layers (each schema's `checkStack`) over the layers whose files were read,
 * with the keys that parsed: they run even when other keys are wrong, so every problem shows at once.
 */
export const stackProblems = (
  schemas: StackSchemas,
  raw: Readonly<Partial<Record<Layer, RawConfig>>>,
): Problem[] => {
  const configs: Partial<Record<Layer, Record<string, unknown>>> = {};
  for (const layer of LAYERS) {
    const values = raw[layer];
    if (values !== undefined) configs[layer] = partialConfig(schemas[layer], values);
  }
  return LAYERS.flatMap((layer) => {
    const { checkStack } = schemas[layer];
    const config = configs[layer];
    return checkStack && config ? checkStack(config, configs).map(within({ layer })) : [];
  });
};

/** Reads and parses every layer's stack file: all problems of all layers (and across them) at once. */
export const readStack = (
  schemas: StackSchemas,
  root: string,
  stack: string,
): Result<StackConfig, Problem[]> => {
  const files = LAYERS.map((layer) => ({ layer, file: readStackFile(schemas, root, layer, stack) }));
  const raw = Object.fromEntries(
    files.flatMap(({ layer, file }) => (file.isOk() ? [[layer, file.value]] : [])),
  ) as Partial<Record<Layer, RawConfig>>;
  const across = stackProblems(schemas, raw);
  const layers = Result.combineWithAllErrors(
    files.map(({ layer, file }) =>
      file.andThen((values) =>
        parseLayer(schemas, layer, values).map((config) => ({ layer, values, config })),
      ),
    ),
  ).mapErr((perLayer) => perLayer.flat());
  if (layers.isErr() || across.length > 0) return err([...(layers.isErr() ? layers.error : []), ...across]);
  return ok({
    raw: Object.fromEntries(layers.value.map(({ layer, values }) => [layer, values])) as Record<
      Layer,
      RawConfig
    >,
    parsed: Object.fromEntries(layers.value.map(({ layer, config }) => [layer, config])) as Record<
      Layer,
      object
    >,
  });
};

/** Reads and checks every layer's stack file: all problems of all layers at once. */
export const readStackConfig = (
  schemas: StackSchemas,
  root: string,
  stack: string,
): Result<Record<Layer, RawConfig>, Problem[]> => readStack(schemas, root, stack).map(({ raw }) => raw);

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
  schemas: StackSchemas,
  raw: Readonly<Partial<Record<Layer, RawConfig>>>,
): { layer: Layer; key: string }[] =>
  LAYERS.flatMap((layer) =>
    Object.entries(schemas[layer].keys as KeySchemas)
      .filter(([key, spec]) => spec.secret && plaintextLeaves(raw[layer]?.[key]).length > 0)
      .map(([key]) => ({ layer, key })),
  );

/** One warning per secret key stored in plain text, with the command that encrypts it (validate and deploy print them). */
export const plaintextSecretWarnings = (
  schemas: StackSchemas,
  raw: Readonly<Partial<Record<Layer, RawConfig>>>,
  stack: string,
): string[] =>
  plaintextSecretKeys(schemas, raw).map(({ layer, key }) => {
    // A map (app_secrets) is encrypted value by value, through its path.
    const isMap = String(raw[layer]?.[key]).trim().startsWith("{");
    const target = isMap ? `--path '${key}.<app>.<name>'` : key;
    return (
      `warning: ${layer}: ${key} is stored in plain text in config/${layer}/Pulumi.${stack}.yaml; ` +
      `encrypt it: cd programs/${layer} && pulumi config set --secret ${target} <value> --stack ${stack}`
    );
  });
