/**
 * Reading a stack file's YAML as Pulumi reads it: syntax errors by file, line and column (never
 * the text), scalars as the text written, aliases that expand too far and merge keys refused
 * with the file and line.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { type Document, isAlias, isMap, isScalar, LineCounter, type Node, parseDocument, visit } from "yaml";
import type { Layer } from "../core/layerNames.ts";
import { type Problem, problem } from "../core/problem.ts";

const stackFilePath = (root: string, layer: Layer, stack: string): string =>
  join(root, "config", layer, `Pulumi.${stack}.yaml`);

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

const YAML_FIX = "fix the YAML syntax there (keys as `homelab-<layer>:<key>: value`, two-space indentation)";

/** A parsed stack file and where its text is, for line numbers. */
interface StackYaml {
  document: Document.Parsed;
  lines: LineCounter;
}

/** The parsed YAML document, or one error per syntax problem naming the file, line and column (never the text). */
const parseStackYaml = (layer: Layer, relative: string, text: string): Result<StackYaml, Problem[]> => {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length === 0) return ok({ document, lines });
  const errors = document.errors.map((error) => {
    const position = error.linePos?.[0];
    const at = position ? ` at line ${position.line}, column ${position.col}` : "";
    const what = YAML_PROBLEMS[error.code] ?? error.code.toLowerCase().replaceAll("_", " ");
    return problem({ layer, file: relative }, `is not valid YAML${at}: ${what}`, YAML_FIX);
  });
  // One line per distinct problem: the parser may report the same spot twice.
  return err(errors.filter((error, i) => errors.findIndex((other) => other.what === error.what) === i));
};

/** `file:line` of a node, when the parser kept its place. */
const placeOf = (yaml: StackYaml, relative: string, node: Node | null | undefined): string => {
  const start = node?.range?.[0];
  return start === undefined ? relative : `${relative}:${yaml.lines.linePos(start).line}`;
};

/** As many aliases as the YAML library expands before it calls a file an attack (its default too). */
const MAX_ALIASES = 100;

/** The first alias (`*name`) in the document, to name its line. */
const firstAlias = (document: Document.Parsed): Node | undefined => {
  let found: Node | undefined;
  visit(document, {
    Alias: (_, node) => {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
};

/**
 * The document as plain data. Aliases that expand too far (an alias of an alias of ..., ten
 * deep) make the YAML library throw; that is reported as the file and line of the first alias.
 */
const documentData = (layer: Layer, relative: string, yaml: StackYaml): Result<unknown, Problem[]> => {
  try {
    return ok(yaml.document.toJS({ maxAliasCount: MAX_ALIASES }));
  } catch {
    return err([
      problem(
        { layer, file: placeOf(yaml, relative, firstAlias(yaml.document)) },
        "is not a stack file Pulumi can use: its YAML aliases (*name) expand into more values than a stack file holds",
        "write each value out in full under `config:` instead of through anchors (&name) and aliases (*name)",
      ),
    ]);
  }
};

/**
 * A top-level value as Pulumi reads it. Pulumi's config.Value first decodes a stack file's value
 * into a Go string (pulumi/pulumi sdk/go/common/resource/config/value.go, `unmarshalValue`: "First,
 * try to unmarshal as a string"), and Go yaml.v3 decodes any scalar into a string as its text as
 * written (the node's Value), so `0x1A2B3C4D`, `1e10` or a 25-digit number stay that text. The
 * `yaml` package keeps that text as the scalar node's `source`. A plain `~`, `null` or nothing is
 * blank (undefined here). Lists and maps are decoded as objects and kept as their data
 * (value.go marshals them to JSON; their scalars are typed, see `typedLeaves`).
 */
const asPulumiReads = (yaml: StackYaml, node: unknown, data: unknown): unknown => {
  const target = isAlias(node) ? node.resolve(yaml.document) : node;
  if (!isScalar(target)) return data;
  if (target.value === null && target.tag === undefined) return undefined;
  return target.source ?? String(target.value);
};

/** A stack file's `config:` map and what decides whether its secrets can be decrypted. */
export interface StackFileData {
  config: Readonly<Record<string, unknown>>;
  /** `encryptionsalt` (passphrase provider) or `encryptedkey` (cloud KMS provider) is set. */
  hasKey: boolean;
}

export const readStackFileData = (
  root: string,
  layer: Layer,
  stack: string,
): Result<StackFileData, Problem[]> => {
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
  return parseStackYaml(layer, relative, readFileSync(path, "utf8")).andThen((yaml) =>
    documentData(layer, relative, yaml).andThen((data) => {
      const top = (data ?? {}) as Record<string, unknown>;
      const config = top.config ?? {};
      const node = yaml.document.get("config", true);
      if (typeof config !== "object" || config === null || Array.isArray(config) || !isMap(node ?? {})) {
        return err([
          problem({ layer, file: relative }, "has no `config:` map", "put the keys under `config:`"),
        ]);
      }
      const values: Record<string, unknown> = {};
      const errors: Problem[] = [];
      for (const pair of isMap(node) ? node.items : []) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === MERGE_KEY) {
          errors.push(mergeKeyProblem(layer, placeOf(yaml, relative, pair.key as Node)));
          continue;
        }
        values[key] = asPulumiReads(yaml, pair.value, (config as Record<string, unknown>)[key]);
      }
      if (errors.length > 0) return err(errors);
      const hasKey = [top.encryptionsalt, top.encryptedkey].some((v) => typeof v === "string" && v !== "");
      return ok({ config: values, hasKey });
    }),
  );
};

const MERGE_KEY = "<<";

/**
 * `<<: *base` in `config:`. Go yaml.v3, which Pulumi reads stack files with, applies the merge
 * when it reads the file; but `pulumi config set` writes the file back from the keys it holds,
 * so the anchor and the merge vanish on the next change. Here the YAML 1.2 reader sees a key
 * named `<<`. Either way the keys belong under `config:` one by one.
 */
const mergeKeyProblem = (layer: Layer, file: string): Problem =>
  problem(
    { layer, file },
    "uses a YAML merge key (`<<: *name`) under `config:`; Pulumi rewrites stack files without anchors or merges on every `pulumi config set`",
    "write each key out under `config:` (homelab-<layer>:<key>: value), without `<<`",
  );
