/**
 * Every builder of the app vocabulary (every value lib/app/index.ts exports, the module app files
 * import) shows a realistic use in an `@example` of its doc comment, and every example builds an
 * app that passes `validateApp`. The examples are type-checked by `bun run typecheck`, through the
 * module generated from them (test/support/vocabularyExamples.ts), which must be current.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { app, isAppSpec } from "../../../lib/app/spec.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { formatProblem } from "../../../lib/core/problem.ts";
import {
  collectExamples,
  currentExamplesModule,
  docComment,
  EXAMPLES_MODULE,
  type ExampleFailure,
  examplesIn,
  examplesModule,
  exportNames,
  publicBuilders,
  VOCABULARY,
} from "../../support/examples.ts";
import { ROOT } from "../../support/render.ts";
import * as generated from "../../support/vocabularyExamples.ts";

const report = (failures: readonly ExampleFailure[]) =>
  failures.map((failure) => `${failure.builder}: ${failure.message}`);

const builders = publicBuilders();
const names = builders.map((builder) => builder.name);
const { examples, failures: missing } = collectExamples(builders);

describe("the vocabulary's examples", () => {
  test("the builders listed are exactly what lib/app/index.ts exports", async () => {
    const exported = Object.keys(await import(VOCABULARY)).sort();
    expect([...names].sort()).toEqual(exported);
  });

  test("every builder has an @example", () => {
    expect(report(missing)).toEqual([]);
    expect(new Set(examples.map((example) => example.builder)).size).toBe(names.length);
  });

  test("the generated module holds every example as it is now, so the type check sees them all", () => {
    const fresh = currentExamplesModule();
    const committed = readFileSync(join(ROOT, EXAMPLES_MODULE), "utf8");
    if (committed !== fresh) throw new Error(`${EXAMPLES_MODULE} is stale: run bun test/support/examples.ts`);
    expect(Object.keys(generated).sort()).toEqual([...exportNames(examples)].sort());
  });

  test("every example builds an app that validateApp accepts", async () => {
    // A builder example is applied to a plain app first.
    const base = app("example", { image: "traefik/whoami:v1.11.0", port: 8080 });
    const module: Record<string, unknown> = generated;
    const problems = exportNames(examples).flatMap((exported, index) => {
      const builder = examples[index]?.builder;
      const value = module[exported];
      try {
        const spec: unknown = typeof value === "function" ? value(base) : value;
        if (!isAppSpec(spec)) return [`${builder}: the example is neither an AppSpec nor an AppBuilder`];
        return validateApp(spec).map((problem) => `${builder}: ${formatProblem(problem)}`);
      } catch (error) {
        return [`${builder}: the example throws ${String(error)}`];
      }
    });
    expect(problems).toEqual([]);
  });
});

describe("the checker can fail", () => {
  test("an example changed without regenerating the module makes it stale", () => {
    const changed = examples.map((example, index) =>
      index === 0 ? { ...example, code: example.code.replace("pipe(", "pipe(\n") } : example,
    );
    expect(examplesModule(changed, names)).not.toBe(currentExamplesModule());
    expect(examplesModule(examples, names)).toBe(currentExamplesModule());
  });

  test("a builder without an @example, or with an @example without code, is reported", () => {
    const source = [
      "/** Documented, without an example. */",
      "export const withNothing = () => 1;",
      "export const withoutDoc = () => 2;",
      "/**",
      " * Has one.",
      " * @example",
      " * ```ts",
      ' * withDone({ a: "b" })',
      " * ```",
      " * @example",
      " * withDone()",
      " */",
      "export function withDone() {}",
    ].join("\n");
    expect(docComment(source, "withoutDoc")).toBeUndefined();
    expect(examplesIn(docComment(source, "withNothing") ?? "")).toEqual([]);
    expect(examplesIn(docComment(source, "withDone") ?? "")).toEqual(['withDone({ a: "b" })', ""]);
  });
});
