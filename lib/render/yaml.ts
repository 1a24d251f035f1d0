/**
 * YAML text of plain data (maps, lists, strings, numbers, booleans, null), byte for byte what the
 * `yaml` library writes with sorted keys and no line folding, an order of magnitude faster: the
 * library builds a document tree for every object, and at a thousand apps that tree was most of
 * the render. This writes the structure itself; any scalar it cannot prove plain is written by the
 * library, and so is a whole document with a multi-line string it does not handle. A test compares
 * both on every rendered document and on generated data.
 */
import { stringify } from "yaml";

const OPTIONS = { sortMapEntries: true, lineWidth: 0, directives: false, aliasDuplicateObjects: false };

/** The library's own text for a document (the reference, and the fallback). */
export const libraryYaml = (value: unknown): string => stringify(value, OPTIONS);

/** Safe as a plain scalar in any context: no indicator first, nothing that reads as another type. */
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_./$=+@,()-]*(?::[A-Za-z0-9_./$=+@,()-]+)*$/;
const NOT_A_STRING =
  /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$/;

const valueCache = new Map<string, string>();
const keyCache = new Map<string, string>();
const topKeyCache = new Map<string, string>();

/** How the library writes one string, cached (most strings repeat): as a value, or as a key. */
const libraryScalar = (text: string, cache: Map<string, string>, write: (text: string) => string): string => {
  const known = cache.get(text);
  if (known !== undefined) return known;
  const written = write(text);
  cache.set(text, written);
  return written;
};
const libraryValue = (text: string): string =>
  libraryScalar(text, valueCache, (t) => libraryYaml({ k: t }).slice(3, -1));
/** A key at the start of a line (depth 0) may be quoted where an indented one is not (`---`, `...`). */
const libraryKey = (text: string, depth: number): string =>
  depth === 0
    ? libraryScalar(text, topKeyCache, (t) => libraryYaml({ [t]: null }).slice(0, -": null\n".length))
    : libraryScalar(text, keyCache, (t) =>
        libraryYaml({ a: { [t]: null } }).slice("a:\n  ".length, -": null\n".length),
      );

const isPlain = (text: string): boolean => PLAIN.test(text) && !NOT_A_STRING.test(text);

/**
 * A multi-line string this writer can put in a literal block: printable ASCII lines that start
 * with no space, one or no final newline. Anything else, the library lays out.
 */
const isSimpleBlock = (text: string): boolean =>
  !text.endsWith("\n\n") && !/^[ \n]|\n /.test(text) && /^[\x20-\x7e\n]*$/.test(text);

/** Thrown (and caught by `toYaml`) when a document holds something only the library writes right. */
class NeedsLibrary extends Error {}

const scalar = (value: unknown): string => {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Object.is(value, -0) || String(value).includes("e"))
      throw new NeedsLibrary();
    return String(value);
  }
  if (typeof value !== "string") throw new NeedsLibrary();
  return isPlain(value) ? value : libraryValue(value);
};

const block = (text: string, indent: string): string => {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lines = body.split("\n").map((line) => (line === "" ? "" : `${indent}${line}`));
  return `${text.endsWith("\n") ? "|" : "|-"}\n${lines.join("\n")}`;
};

const isCollection = (value: unknown): value is object => typeof value === "object" && value !== null;
const isEmpty = (value: object): boolean =>
  Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;

/** The text after `key:` or `-` for a value at nesting `depth` (its children indent one level more). */
const valueText = (value: unknown, depth: number, inList: boolean): string => {
  if (!isCollection(value)) {
    if (typeof value === "string" && value.includes("\n")) {
      if (!isSimpleBlock(value)) throw new NeedsLibrary();
      return ` ${block(value, "  ".repeat(depth + 1))}`;
    }
    return ` ${scalar(value)}`;
  }
  if (isEmpty(value)) return Array.isArray(value) ? " []" : " {}";
  // A collection inside a list starts on the dash's line; under a key, on the next line.
  const lines = collection(value, depth + 1);
  return inList ? ` ${lines.slice(2 * (depth + 1))}` : `\n${lines}`;
};

const mapKey = (key: string, depth: number): string => {
  if (isPlain(key)) return key;
  // A key over several lines is a complex key (`? |-`): the library lays out the whole document.
  if (key.includes("\n")) throw new NeedsLibrary();
  return libraryKey(key, depth);
};

const collection = (value: object, depth: number): string => {
  const indent = "  ".repeat(depth);
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (item === undefined) throw new NeedsLibrary();
        return `${indent}-${valueText(item, depth, true)}`;
      })
      .join("\n");
  }
  return Object.keys(value)
    .sort()
    .flatMap((key) => {
      const item = (value as Record<string, unknown>)[key];
      return item === undefined ? [] : [`${indent}${mapKey(key, depth)}:${valueText(item, depth, false)}`];
    })
    .join("\n");
};

/** One YAML document (without `---`), ending in a newline, exactly as the library would write it. */
export const toYamlDocument = (value: unknown): string => {
  try {
    if (!isCollection(value) || isEmpty(value)) return libraryYaml(value);
    return `${collection(value, 0)}\n`;
  } catch (error) {
    if (error instanceof NeedsLibrary) return libraryYaml(value);
    throw error;
  }
};
