/**
 * The `@example` blocks of the app vocabulary's doc comments: every value lib/app/index.ts exports
 * is found in the file it comes from, the fenced block after each `@example` tag of the doc comment
 * right above its declaration is taken as one expression, and all of them go into one generated
 * module, test/support/vocabularyExamples.ts, which `bun run typecheck` checks with the rest of the
 * project (so the suite runs no compiler of its own). `bun test/support/examples.ts` rewrites it;
 * test/lib/app/examples.test.ts fails while it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ROOT } from "./render.ts";

export const VOCABULARY = resolve(ROOT, "lib/app/index.ts");

/** One exported value of the vocabulary and the file that declares it. */
export interface PublicBuilder {
  readonly name: string;
  readonly file: string;
}

export interface Example {
  readonly builder: string;
  readonly code: string;
}

/** What does not hold for one builder: no example, or an example that does not type-check. */
export interface ExampleFailure {
  readonly builder: string;
  readonly message: string;
}

/**
 * The values the vocabulary exports (`export { a, b, type T } from "./file.ts"`), each with its
 * file. Any other export form is refused, so nothing the module exports is skipped unseen.
 */
export const publicBuilders = (index = VOCABULARY): PublicBuilder[] => {
  // Comments first: a knip `@public` tag inside an export list may hold a semicolon.
  const source = readFileSync(index, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const statements = source.match(/^export\b[^;]*;/gms) ?? [];
  return statements.flatMap((statement) => {
    if (/^export\s+type\s*\{/.test(statement)) return [];
    const list = /^export\s*\{([^}]*)\}\s*from\s*"([^"]+)";$/s.exec(statement);
    if (list === null) throw new Error(`${index}: cannot list the values of ${JSON.stringify(statement)}`);
    const [, names = "", from = ""] = list;
    return names
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "" && !entry.startsWith("type "))
      .map((name) => {
        if (!/^\w+$/.test(name))
          throw new Error(`${index}: cannot follow the export ${JSON.stringify(name)}`);
        return { name, file: resolve(dirname(index), from) };
      });
  });
};

/** The doc comment right above `export const <name>` or `export function <name>`, if any. */
export const docComment = (source: string, name: string): string | undefined => {
  const declaration = new RegExp(`^export (?:const|function) ${name}\\b`, "m").exec(source);
  if (declaration === null) return undefined;
  const before = source.slice(0, declaration.index).trimEnd();
  if (!before.endsWith("*/")) return undefined;
  const start = before.lastIndexOf("/**");
  return start === -1 ? undefined : before.slice(start);
};

/** The code of each `@example` tag: the ```ts fenced block that follows it, without the comment's stars. */
export const examplesIn = (comment: string): string[] => {
  const text = comment
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, ""))
    .join("\n");
  return text
    .split(/^@example\b/m)
    .slice(1)
    .map((tag) => {
      const fenced = /^\s*```(?:ts|typescript)\n([\s\S]*?)^```/m.exec(tag);
      return fenced?.[1]?.trim().replace(/;$/, "") ?? "";
    });
};

/** Every example of every public builder, and every builder without one. */
export const collectExamples = (
  builders: readonly PublicBuilder[],
): { examples: Example[]; failures: ExampleFailure[] } => {
  const examples: Example[] = [];
  const failures: ExampleFailure[] = [];
  for (const { name, file } of builders) {
    const comment = docComment(readFileSync(file, "utf8"), name);
    const codes = comment === undefined ? [] : examplesIn(comment);
    if (codes.length === 0)
      failures.push({
        builder: name,
        message: `${comment === undefined ? "has no doc comment" : "its doc comment has no @example"} (add one with a \`\`\`ts block)`,
      });
    for (const code of codes)
      if (code === "") failures.push({ builder: name, message: "has an @example without a ```ts block" });
      else examples.push({ builder: name, code });
  }
  return { examples, failures };
};

/** The export each example becomes: example_<builder>_<n>, n counting from 1 per builder. */
export const exportNames = (examples: readonly Example[]): string[] =>
  examples.map(
    (example, index) =>
      `example_${example.builder}_${examples.slice(0, index + 1).filter((e) => e.builder === example.builder).length}`,
  );

/** The generated module, from the repository root. */
export const EXAMPLES_MODULE = "test/support/vocabularyExamples.ts";

/**
 * The generated module's text: the whole vocabulary imported, each example an exported constant
 * typed as what an app file composes (a spec or a builder), so the type check reads its options.
 */
export const examplesModule = (examples: readonly Example[], names: readonly string[]): string => {
  const out = [
    "// Generated by `bun test/support/examples.ts` from the @example blocks of lib/app/: do not edit.",
    "// `bun run typecheck` checks every example; test/lib/app/examples.test.ts fails while this is stale.",
    `import { type AppBuilder, type AppSpec, ${names.join(", ")} } from "../../lib/app/index.ts";`,
    "",
  ];
  exportNames(examples).forEach((exported, index) => {
    const example = examples[index] as Example;
    out.push(`// ${example.builder}`, `export const ${exported}: AppSpec | AppBuilder = (`);
    out.push(...example.code.split("\n"));
    out.push(");", "");
  });
  return out.join("\n");
};

/** The module as the vocabulary's examples make it now. */
export const currentExamplesModule = (): string => {
  const builders = publicBuilders();
  return examplesModule(
    collectExamples(builders).examples,
    builders.map((builder) => builder.name),
  );
};

if (import.meta.main) {
  writeFileSync(join(ROOT, EXAMPLES_MODULE), currentExamplesModule());
  console.log(`${EXAMPLES_MODULE}: the vocabulary's examples written; bun run typecheck checks them`);
}
