/**
 * Every builder of the app vocabulary (every value lib/app/index.ts exports, the module app files
 * import) shows a realistic use in an `@example` of its doc comment, and every
 * example type-checks with the project's own TypeScript, builds an app and passes `validateApp`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { app, isAppSpec } from "../../../lib/app/spec.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { formatProblem } from "../../../lib/core/problem.ts";
import {
  collectExamples,
  docComment,
  type Example,
  type ExampleFailure,
  examplesIn,
  exportNames,
  publicBuilders,
  typeCheckExamples,
  VOCABULARY,
} from "../../support/examples.ts";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-examples-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const report = (failures: readonly ExampleFailure[]) =>
  failures.map((failure) => `${failure.builder}: ${failure.message}`);

const builders = publicBuilders();
const names = builders.map((builder) => builder.name);
const { examples, failures: missing } = collectExamples(builders);

/** An example with a wrong option name (`subPath`) beside a good one: the checker must name it. */
const broken: Example[] = [
  {
    builder: "withNfsVolume",
    code: [
      "pipe(",
      '  app("photos", { image: "ghcr.io/immich-app/immich-server:v1.132.3", port: 2283 }),',
      '  withNfsVolume({ name: "library", mountPath: "/data", subPath: "photos" }),',
      ")",
    ].join("\n"),
  },
  { builder: "withPrivateIngress", code: 'withPrivateIngress({ subdomain: "photos" })' },
];

// Both tsc runs start now and run side by side; the tests await them.
const dir = tempDir();
const check = typeCheckExamples(examples, names, dir);
const brokenCheck = typeCheckExamples(broken, names, tempDir());

describe("the vocabulary's examples", () => {
  test("the builders listed are exactly what lib/app/index.ts exports", async () => {
    const exported = Object.keys(await import(VOCABULARY)).sort();
    expect([...names].sort()).toEqual(exported);
  });

  test("every builder has an @example", () => {
    expect(report(missing)).toEqual([]);
    expect(new Set(examples.map((example) => example.builder)).size).toBe(names.length);
  });

  test("every example type-checks (one tsc run over all of them)", async () => {
    expect(report(await check)).toEqual([]);
  });

  test("every example builds an app that validateApp accepts", async () => {
    // A builder example is applied to a plain app first.
    const base = app("example", { image: "traefik/whoami:v1.11.0", port: 8080 });
    await check;
    const module: Record<string, unknown> = await import(join(dir, "examples.ts"));
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
  test("an example with a wrong option name fails, naming its builder and the option", async () => {
    const failures = await brokenCheck;
    expect(failures).toHaveLength(1);
    expect(failures[0]?.builder).toBe("withNfsVolume");
    expect(failures[0]?.message).toContain("example line 3");
    expect(failures[0]?.message).toContain("'subPath' does not exist in type 'NfsVolumeOptions'");
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
