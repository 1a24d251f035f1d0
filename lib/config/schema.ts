/**
 * Declarative config schemas and the one generic parser that checks a layer's raw keys against
 * its schema, collecting every error before anything is created.
 */
import { err, ok, type Result } from "neverthrow";
import type { Layer } from "../layers.ts";
import { type Secret, secret } from "./secret.ts";
import type { Parser, Problem } from "./values.ts";

/** A raw value as Pulumi stores it: a string, or an encrypted value whose plaintext we cannot see offline. */
export const ENCRYPTED = Symbol("encrypted");
export type RawValue = string | typeof ENCRYPTED;
/** Raw keys of one layer, without the `project:` prefix. */
export type RawConfig = Readonly<Record<string, RawValue>>;

export interface ConfigError {
  layer: Layer;
  key: string;
  /** The offending value as the user wrote it; `[secret]` for secret keys; absent when unset or unknown. */
  value?: string;
  message: string;
  fix: string;
}

export interface KeySpec<T> {
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
  /** Turns a present raw value into T. */
  parse(raw: RawValue): Result<T, Problem>;
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
  (raw: RawValue): Result<T, Problem> =>
    raw === ENCRYPTED
      ? err({
          message: "is encrypted but is not a secret key",
          fix: "store it in plain text: `pulumi config set <key> <value>` (without --secret)",
        })
      : parser(raw);

export const required = <T>(parser: Parser<T>, meta: KeyMeta): KeySpec<T> => ({
  ...meta,
  secret: false,
  required: true,
  parse: plainOnly(parser),
  absent: () => {
    throw new Error("a required key has no value when absent");
  },
});

export const optional = <T>(parser: Parser<T>, meta: KeyMeta): KeySpec<T | undefined> => ({
  ...meta,
  secret: false,
  required: false,
  defaultText: "unset",
  parse: plainOnly(parser),
  absent: () => undefined,
});

export const withDefault = <T>(parser: Parser<T>, defaultRaw: string, meta: KeyMeta): KeySpec<T> => {
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
const redactedProblem = (problem: Problem, raw: string): Problem => {
  const value = raw.trim();
  if (value === "") return problem;
  const echo = new RegExp(`(?<![\\w-])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "g");
  return { message: problem.message.replace(echo, "[secret]"), fix: problem.fix.replace(echo, "[secret]") };
};

/**
 * A secret key. Its content is checked whenever the plaintext is available (always inside Pulumi;
 * offline, an encrypted value is accepted as is and checked at deploy time).
 */
export function secretKey(parser: Parser<string>, meta: KeyMeta & { required: true }): KeySpec<Secret>;
export function secretKey(
  parser: Parser<string>,
  meta: KeyMeta & { required: false; requiredWhen?: string },
): KeySpec<Secret | undefined>;
export function secretKey(
  parser: Parser<string>,
  meta: KeyMeta & { required: boolean; requiredWhen?: string },
): KeySpec<Secret | undefined> {
  return {
    ...meta,
    secret: true,
    defaultText: meta.required ? undefined : "unset",
    parse: (raw) =>
      raw === ENCRYPTED
        ? ok(secret("", false))
        : parser(raw)
            .map((value) => secret(value))
            .mapErr((problem) => redactedProblem(problem, raw)),
    absent: () => undefined,
  };
}

// ---------------------------------------------------------------- layer schemas

export type KeySpecs = Record<string, KeySpec<unknown>>;

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The typed config of a schema: every snake_case key becomes a camelCase field. */
export type ConfigOf<K extends KeySpecs> = {
  readonly [P in keyof K & string as CamelCase<P>]: K[P] extends KeySpec<infer T> ? T : never;
};

export const camelCase = (key: string): string =>
  key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export interface LayerSchema<K extends KeySpecs = KeySpecs> {
  layer: Layer;
  keys: K;
  /**
   * Checks across keys; one error per broken rule. Runs even when some keys failed to parse (those
   * are undefined here), so every problem is reported in one go.
   */
  check?(config: Partial<ConfigOf<K>>, raw: RawConfig): Omit<ConfigError, "layer">[];
}

export const defineLayerConfig = <K extends KeySpecs>(schema: LayerSchema<K>): LayerSchema<K> => schema;

const display = (spec: KeySpec<unknown>, raw: RawValue): string =>
  spec.secret || raw === ENCRYPTED ? "[secret]" : raw;

export const setCommand = (spec: KeySpec<unknown>, key: string): string =>
  `pulumi config set ${spec.secret ? "--secret " : ""}${key} ${spec.secret ? "<value>" : JSON.stringify(spec.example)}`;

/**
 * Parses a layer's raw keys. Every key is checked, then the cross-key rules; the result is the
 * typed config or every problem found, each naming the key, the value and the fix.
 * `suggestKey` explains keys the schema does not know (a typo, or a key of another layer).
 */
export const parseLayerConfig = <K extends KeySpecs>(
  schema: LayerSchema<K>,
  raw: RawConfig,
  suggestKey: (key: string) => string,
): Result<ConfigOf<K>, ConfigError[]> => {
  const errors: ConfigError[] = [];
  const config: Record<string, unknown> = {};

  for (const [key, spec] of Object.entries(schema.keys)) {
    const value = raw[key];
    if (value === undefined) {
      if (spec.required) {
        errors.push({
          layer: schema.layer,
          key,
          message: `is required (${spec.doc})`,
          fix: `set it: ${setCommand(spec, key)}`,
        });
      } else {
        config[camelCase(key)] = spec.absent();
      }
      continue;
    }
    const parsed = spec.parse(value);
    if (parsed.isOk()) config[camelCase(key)] = parsed.value;
    else errors.push({ layer: schema.layer, key, value: display(spec, value), ...parsed.error });
  }

  // An unknown key's value is never shown: it may be a secret under a misspelt or misplaced key.
  for (const key of Object.keys(raw).sort()) {
    if (key in schema.keys) continue;
    errors.push({
      layer: schema.layer,
      key,
      message: `is not a ${schema.layer} setting`,
      fix: suggestKey(key),
    });
  }

  const crossErrors = schema.check?.(config as Partial<ConfigOf<K>>, raw) ?? [];
  errors.push(...crossErrors.map((e) => ({ layer: schema.layer, ...e })));
  return errors.length > 0 ? err(errors) : ok(config as ConfigOf<K>);
};

export const formatConfigError = (e: ConfigError): string =>
  `${e.layer}: ${e.key}${e.value === undefined ? "" : ` = ${JSON.stringify(e.value)}`} ${e.message}.\n    fix: ${e.fix}`;
