/**
 * Placeholders: the values of the example stack (config/<layer>/Pulumi.example.yaml) and of the
 * schemas' examples that stand in for a user's own: fake secrets, example.com, documentation
 * addresses, the example NAS. The one place that says what a placeholder is. A stack copied from
 * the example keeps them; `validate` warns about each, `preview:*`/`deploy:*` refuse each, on
 * every stack but `example`, naming the key and the command that sets the user's own value.
 */
import { LAYERS, type Layer } from "../core/layerNames.ts";
import { type Problem, problem } from "../core/problem.ts";
import { isDocumentationAddress } from "./ip.ts";
import type { StackSchemas } from "./registry.ts";
import { ENCRYPTED, type KeySchemas, type RawConfig, type RawValue } from "./schema.ts";
import { readStackFile } from "./stackFile.ts";

/** The stack that may keep its placeholders: the render, the tests and the README read it. */
export const EXAMPLE_STACK = "example";

/** Domains reserved for examples (RFC 2606), and the example stack's NAS, which is on no real LAN. */
const EXAMPLE_DOMAINS = ["example.com", "example.net", "example.org"];
const EXAMPLE_HOSTS = ["nas.lan"];

/** Why `text` (one item of a value) is a placeholder, or undefined when it may be the user's own. */
export const placeholderKind = (text: string): string | undefined => {
  const value = text.trim();
  if (/^FAKE-/i.test(value)) return "is the example's fake value, readable by anyone with this repository";
  if (/^<[^<>]*>$/.test(value)) return "is a placeholder from the documentation";
  const host = (value.includes("@") ? value.slice(value.lastIndexOf("@") + 1) : value).toLowerCase();
  if (EXAMPLE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`)))
    return "is under example.com, a domain reserved for examples that is nobody's";
  if (EXAMPLE_HOSTS.includes(host)) return "is the example stack's NAS name";
  if (isDocumentationAddress(value))
    return "is a documentation address (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), which no real host has";
  return undefined;
};

/** One value as it stands in a stack: its leaves by path (`app_secrets.miniflux.admin_password`), each split into list items. */
const leaves = (key: string, raw: RawValue): { path: string; items: string[] }[] => {
  if (raw === ENCRYPTED) return [];
  const items = (text: string) => text.split(",").map((item) => item.trim());
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [{ path: key, items: items(raw) }];
  }
  const walk = (path: string, value: unknown): { path: string; items: string[] }[] => {
    if (typeof value === "object" && value !== null && "secure" in value) return [];
    if (Array.isArray(value)) return value.length === 0 ? [] : [{ path, items: value.map(String) }];
    if (typeof value === "object" && value !== null)
      return Object.entries(value).flatMap(([name, inner]) => walk(`${path}.${name}`, inner));
    return value === null || value === undefined ? [] : [{ path, items: items(String(value)) }];
  };
  return walk(key, parsed);
};

/**
 * The keys whose example value is a placeholder, per layer: read from the example stack's values
 * and the schemas' examples, so a key the example gives a fake value to is one without a list here.
 */
const placeholderKeys = (
  schemas: StackSchemas,
  example: Readonly<Partial<Record<Layer, RawConfig>>>,
): Record<Layer, Set<string>> =>
  Object.fromEntries(
    LAYERS.map((layer) => {
      const keys = schemas[layer].keys as KeySchemas;
      const fromSchema = Object.entries(keys).filter(([key, spec]) =>
        leaves(key, spec.example).some(({ items }) => items.some((item) => placeholderKind(item))),
      );
      const fromStack = Object.entries(example[layer] ?? {}).filter(([key, raw]) =>
        leaves(key, raw).some(({ items }) => items.some((item) => placeholderKind(item))),
      );
      return [layer, new Set([...fromSchema, ...fromStack].map(([key]) => key))];
    }),
  ) as Record<Layer, Set<string>>;

/** The command that sets a key to the user's own value; a secret's is read from stdin, never argv. */
const setOwnCommand = (layer: Layer, path: string, secret: boolean, stack: string): string => {
  const target = path.includes(".") ? `--path '${path}'` : path;
  return secret
    ? `cd programs/${layer} && pulumi config set --secret ${target} --stack ${stack}   (it prompts for the value, or reads it from stdin: ... < file)`
    : `cd programs/${layer} && pulumi config set ${target} <your value> --stack ${stack}   (or edit config/${layer}/Pulumi.${stack}.yaml)`;
};

const fixOf = (layer: Layer, key: string, path: string, secret: boolean, stack: string): string => {
  if (key === "pocket_id_encryption_key")
    return `make a key of your own: openssl rand -base64 32 | (cd programs/${layer} && pulumi config set --secret ${key} --stack ${stack})`;
  if (key === "nfs_hostname")
    return `use your NAS's host name or IP address: ${setOwnCommand(layer, path, secret, stack)}`;
  return `set your own value: ${setOwnCommand(layer, path, secret, stack)}`;
};

/**
 * Every placeholder a stack still holds: a value (or a leaf of a map, or an item of a list) of a
 * key whose example value is a placeholder, that is itself one (the example's value included).
 * Encrypted values are not seen offline. A secret's value is never part of the problem.
 */
export const placeholderProblems = (
  schemas: StackSchemas,
  example: Readonly<Partial<Record<Layer, RawConfig>>>,
  raw: Readonly<Partial<Record<Layer, RawConfig>>>,
  stack: string,
): Problem[] => {
  if (stack === EXAMPLE_STACK) return [];
  const keys = placeholderKeys(schemas, example);
  return [
    ...unsetChoices(schemas, raw, stack),
    ...LAYERS.flatMap((layer) =>
      Object.entries(raw[layer] ?? {})
        .filter(([key]) => keys[layer].has(key))
        .flatMap(([key, value]) => {
          const secret = (schemas[layer].keys as KeySchemas)[key]?.secret ?? false;
          return leaves(key, value).flatMap(({ path, items }) => {
            const kind = items.map(placeholderKind).find((found) => found !== undefined);
            if (kind === undefined) return [];
            return [
              problem(
                { layer, key: path },
                kind,
                fixOf(layer, key, path, secret, stack),
                secret ? "[secret]" : items.join(","),
              ),
            ];
          });
        }),
    ),
  ];
};

/** Keys a stack leaves unset whose absence only the example may rely on (`exampleWhenUnset`). */
const unsetChoices = (
  schemas: StackSchemas,
  raw: Readonly<Partial<Record<Layer, RawConfig>>>,
  stack: string,
): Problem[] =>
  LAYERS.flatMap((layer) => {
    const values = raw[layer];
    if (values === undefined) return [];
    return Object.entries(schemas[layer].keys as KeySchemas).flatMap(([key, spec]) =>
      spec.exampleWhenUnset === undefined || key in values
        ? []
        : [
            problem(
              { layer, key },
              `is unset: ${spec.exampleWhenUnset}`,
              `choose: ${setOwnCommand(layer, key, false, stack).replace("<your value>", `'${spec.example}'`)}`,
            ),
          ],
    );
  });

/** The placeholders `raw` (stack `stack`'s config) still holds, against the example stack files under `root`. */
export const stackPlaceholders = (
  schemas: StackSchemas,
  root: string,
  raw: Readonly<Partial<Record<Layer, RawConfig>>>,
  stack: string,
): Problem[] => {
  if (stack === EXAMPLE_STACK) return [];
  const example = Object.fromEntries(
    LAYERS.flatMap((layer) => {
      const file = readStackFile(schemas, root, layer, EXAMPLE_STACK);
      return file.isOk() ? [[layer, file.value]] : [];
    }),
  ) as Partial<Record<Layer, RawConfig>>;
  return placeholderProblems(schemas, example, raw, stack);
};
