/**
 * Declarative config schemas and the one generic parser that checks a layer's raw keys against
 * its schema, collecting every error before anything is created.
 */
import { err, ok, Result } from "neverthrow";
import type { Layer } from "../core/layerNames.ts";
import { type Problem, placed, problem, type Unplaced, within } from "../core/problem.ts";
import { type Secret, secret } from "./secret.ts";
import type { Parser } from "./values.ts";

/** A raw value as Pulumi stores it: a string, or an encrypted value whose plaintext we cannot see offline. */
export const ENCRYPTED = Symbol("encrypted");
export type RawValue = string | typeof ENCRYPTED;
/** Raw keys of one layer, without the `project:` prefix. */
export type RawConfig = Readonly<Record<string, RawValue>>;

export interface KeySchema<T> {
  doc: string;
  /** Human-readable type for errors and the README, e.g. "IPv4 range". */
  type: string;
  example: string;
  secret: boolean;
  required: boolean;
  /** When an optional key is required after all (checked by the layer's `check`), e.g. "x is y". */
  requiredWhen?: string;
  /** The default as the user would write it, shown in the README. */
  defaultText?: string;
  /**
   * What leaving the key unset does that only the example stack may rely on (e.g. "runs every app
   * file, the examples included"): every other stack must choose a value (lib/config/placeholders.ts).
   */
  exampleWhenUnset?: string;
  /** Turns a present raw value into T. */
  parse(raw: RawValue): Result<T, Unplaced>;
  /** The value when the key is unset (only for keys that are not required). */
  absent(): T;
}

interface KeyMeta {
  doc: string;
  type: string;
  example: string;
}

const plainOnly =
  <T>(parser: Parser<T>) =>
  (raw: RawValue): Result<T, Unplaced> =>
    raw === ENCRYPTED
      ? err({
          what: "is encrypted but is not a secret key",
          fix: "store it in plain text: `pulumi config set <key> <value>` (without --secret)",
        })
      : parser(raw);

export const required = <T>(parser: Parser<T>, meta: KeyMeta): KeySchema<T> => ({
  ...meta,
  secret: false,
  required: true,
  parse: plainOnly(parser),
  absent: () => {
    throw new Error("a required key has no value when absent");
  },
});

export const optional = <T>(parser: Parser<T>, meta: KeyMeta): KeySchema<T | undefined> => ({
  ...meta,
  secret: false,
  required: false,
  defaultText: "unset",
  parse: plainOnly(parser),
  absent: () => undefined,
});

export const withDefault = <T>(parser: Parser<T>, defaultRaw: string, meta: KeyMeta): KeySchema<T> => {
  const fallback = parser(defaultRaw);
  if (fallback.isErr()) throw new Error(`default ${defaultRaw} of a ${meta.type} key does not parse`);
  return {
    ...meta,
    secret: false,
    required: false,
    defaultText: defaultRaw,
    parse: plainOnly(parser),
    absent: () => fallback.value,
  };
};

/**
 * A parser's problem with any echo of the secret value taken out: messages must never carry it.
 * Whole words only, so a secret like "short" does not mangle "is shorter than 8 characters".
 */
const redactedProblem = (found: Unplaced, raw: string): Unplaced => {
  const value = raw.trim();
  if (value === "") return found;
  const echo = new RegExp(`(?<![\\w-])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "g");
  return { what: found.what.replace(echo, "[secret]"), fix: found.fix.replace(echo, "[secret]") };
};

/**
 * A secret key. Its content is checked whenever the plaintext is available (always inside Pulumi;
 * offline, an encrypted value is accepted as is and checked at deploy time).
 */
export function secretKey(parser: Parser<string>, meta: KeyMeta & { required: true }): KeySchema<Secret>;
export function secretKey(
  parser: Parser<string>,
  meta: KeyMeta & { required: false; requiredWhen?: string },
): KeySchema<Secret | undefined>;
export function secretKey(
  parser: Parser<string>,
  meta: KeyMeta & { required: boolean; requiredWhen?: string },
): KeySchema<Secret | undefined> {
  return {
    ...meta,
    secret: true,
    defaultText: meta.required ? undefined : "unset",
    parse: (raw) =>
      raw === ENCRYPTED
        ? ok(secret("", false))
        : parser(raw)
            .map((value) => secret(value))
            .mapErr((found) => redactedProblem(found, raw)),
    absent: () => undefined,
  };
}

// ---------------------------------------------------------------- layer schemas

export type KeySchemas = Record<string, KeySchema<unknown>>;

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The typed config of a schema: every snake_case key becomes a camelCase field. */
export type ConfigOf<K extends KeySchemas> = {
  readonly [P in keyof K & string as CamelCase<P>]: K[P] extends KeySchema<infer T> ? T : never;
};

const camelCase = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export interface LayerSchema<K extends KeySchemas = KeySchemas> {
  layer: Layer;
  keys: K;
  /**
   * Checks across keys; one error per broken rule. Runs even when some keys failed to parse (those
   * are undefined here), so every problem is reported in one go. Each names its key; the layer
   * is added by the parser.
   */
  check?(config: Partial<ConfigOf<K>>, raw: RawConfig): Problem[];
  /**
   * Checks against earlier layers' keys (e.g. the NAS's address against the LAN plan). Runs only
   * where every layer's stack file is read (validate, render, `preview`/`deploy all`), never inside
   * a one-layer deploy; each config holds the keys that parsed. A problem without a layer is this one's.
   */
  checkStack?(config: Partial<ConfigOf<K>>, earlier: PartialConfigs): Problem[];
}

/** Each layer's keys that parsed, camelCased: what `checkStack` sees of the stack. */
export type PartialConfigs = Readonly<Partial<Record<Layer, Readonly<Record<string, unknown>>>>>;

export const defineLayerConfig = <K extends KeySchemas>(schema: LayerSchema<K>): LayerSchema<K> => schema;

const display = (spec: KeySchema<unknown>, raw: RawValue): string =>
  spec.secret || raw === ENCRYPTED ? "[secret]" : raw;

const setCommand = (spec: KeySchema<unknown>, key: string): string =>
  spec.secret
    ? `pulumi config set --secret ${key} (it prompts for the value, or reads it from stdin: \`... < file\`)`
    : `pulumi config set ${key} ${JSON.stringify(spec.example)}`;

/** One key against its schema: the parsed value (the default when unset), or what is wrong with it. */
const parseKey = (
  layer: Layer,
  key: string,
  spec: KeySchema<unknown>,
  value: RawValue | undefined,
): Result<unknown, Problem> => {
  if (value === undefined) {
    return spec.required
      ? err(problem({ layer, key }, `is required (${spec.doc})`, `set it: ${setCommand(spec, key)}`))
      : ok(spec.absent());
  }
  return spec.parse(value).mapErr(placed({ layer, key }, display(spec, value)));
};

const parsedKeys = (schema: LayerSchema, raw: RawConfig) =>
  Object.entries(schema.keys).map(([key, spec]) =>
    parseKey(schema.layer, key, spec, raw[key]).map((value) => [camelCase(key), value] as const),
  );

/** The keys of a layer that parse (defaults for unset ones), camelCased; the others left out. */
export const partialConfig = (schema: LayerSchema, raw: RawConfig): Record<string, unknown> =>
  Object.fromEntries(parsedKeys(schema, raw).flatMap((entry) => (entry.isOk() ? [entry.value] : [])));

/**
 * Parses a layer's raw keys. Every key is checked, then the cross-key rules; the result is the
 * typed config or every problem found, each naming the key, the value and the fix.
 * `suggestKey` explains keys the schema does not know (a typo, or a key of another layer).
 */
export const parseLayerConfig = <K extends KeySchemas>(
  schema: LayerSchema<K>,
  raw: RawConfig,
  suggestKey: (key: string) => string,
): Result<ConfigOf<K>, Problem[]> => {
  const { layer } = schema;
  const parsed = parsedKeys(schema, raw);
  const config: Record<string, unknown> = Object.fromEntries(
    parsed.flatMap((entry) => (entry.isOk() ? [entry.value] : [])),
  );
  // An unknown key's value is never shown: it may be a secret under a misspelt or misplaced key.
  const unknown = Object.keys(raw)
    .sort()
    .filter((key) => !(key in schema.keys))
    .map((key) => problem({ layer, key }, `is not a ${layer} setting`, suggestKey(key)));
  const crossKey = (schema.check?.(config as Partial<ConfigOf<K>>, raw) ?? []).map(within({ layer }));
  const keyProblems = Result.combineWithAllErrors(parsed).match(
    () => [],
    (found) => found,
  );
  const problems = [...keyProblems, ...unknown, ...crossKey];
  return problems.length > 0 ? err(problems) : ok(config as ConfigOf<K>);
};
