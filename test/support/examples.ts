/**
 * The `@example` blocks of the app vocabulary's doc comments, and a type check of them with the
 * project's own TypeScript: every value lib/app/index.ts exports is found in the file it comes
 * from, the fenced block after each `@example` tag of the doc comment right above its declaration
 * is taken as one expression, and all of them go into one generated module that `tsc` checks once.
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

/**
 * One module: the whole vocabulary imported, each example an exported constant typed as what an
 * app file composes (a spec or a builder); `lines[i]` is the first and last line of example i.
 */
const exampleModule = (
  examples: readonly Example[],
  names: readonly string[],
): { source: string; lines: [number, number][] } => {
  const out = [
    `import { type AppBuilder, type AppSpec, ${names.join(", ")} } from ${JSON.stringify(VOCABULARY)};`,
    "",
  ];
  const lines: [number, number][] = [];
  exportNames(examples).forEach((exported, index) => {
    const example = examples[index] as Example;
    out.push(`// ${example.builder}`, `export const ${exported}: AppSpec | AppBuilder = (`);
    const first = out.length + 1;
    out.push(...example.code.split("\n"));
    lines.push([first, out.length]);
    out.push(");", "");
  });
  return { source: out.join("\n"), lines };
};

const TSC = join(ROOT, "node_modules/.bin/tsc");

/**
 * Writes the examples as `examples.ts` in `dir` (with a tsconfig extending the project's) and
 * type-checks it with one run of the project's tsc: one failure per compiler error, named by the
 * builder whose example it is in. The module stays in `dir`, so it can be imported and run.
 * Asynchronous, so that several checks can run side by side.
 */
export const typeCheckExamples = async (
  examples: readonly Example[],
  names: readonly string[],
  dir: string,
): Promise<ExampleFailure[]> => {
  const { source, lines } = exampleModule(examples, names);
  writeFileSync(join(dir, "examples.ts"), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(ROOT, "tsconfig.json"),
      // `types: ["bun"]` is looked up from the project's node_modules, not from this folder.
      compilerOptions: { typeRoots: [join(ROOT, "node_modules/@types")] },
      include: [],
      files: ["examples.ts"],
    }),
  );
  const run = Bun.spawn([TSC, "--noEmit", "--pretty", "false", "-p", "tsconfig.json"], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(run.stdout).text(),
    new Response(run.stderr).text(),
    run.exited,
  ]);
  const output = `${stdout}${stderr}`;
  // An error starts a line (`file(line,col): error TSnnnn: ...`); its indented lines continue it.
  const errors = output.split(/\n(?=\S)/).filter((error) => error.trim() !== "");
  const failures = errors.map((error): ExampleFailure => {
    const at = /^examples\.ts\((\d+),(\d+)\): (.*)$/s.exec(error.trim());
    const line = Number(at?.[1]);
    const index = lines.findIndex(([first, last]) => line >= first && line <= last);
    const example = examples[index];
    if (at === null || example === undefined)
      return { builder: "(outside the examples)", message: error.trim() };
    return {
      builder: example.builder,
      message: `example line ${line - (lines[index]?.[0] ?? 0) + 1}, column ${at[2]}: ${at[3]}`,
    };
  });
  if (exitCode !== 0 && failures.length === 0)
    return [{ builder: "(tsc)", message: `exited ${exitCode}: ${output}` }];
  return failures;
};
