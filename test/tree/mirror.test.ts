/**
 * The tests mirror the tree: a test of lib/app/ sits in test/lib/app/, a test of harness/engine/ in
 * test/harness/engine/, so a module's tests are found from its path. Only the suites over the whole
 * example stack (test/stack/) and over the repository's shape (test/tree/) mirror no folder, and
 * test/support/ holds the shared helpers, no tests. Every test file is `<name>.test.ts`: one suffix,
 * no tier (`.unit`, `.program`) in the name.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ROOT } from "../support/render.ts";

const TESTS = "test";
/** The folders of code a test folder mirrors. */
const SOURCE_ROOTS = ["lib", "cli", "harness", "programs"];
/** The test folders that mirror no source folder: the suites over the whole stack and over the tree. */
const CROSS_CUTTING = ["stack", "tree"];
const SUFFIX = ".test.ts";
const TEST_NAME = /^[A-Za-z0-9]+\.test\.ts$/;

const testFiles = (): string[] =>
  readdirSync(join(ROOT, TESTS), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => join(TESTS, file));

const isFolder = (path: string): boolean =>
  existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isDirectory();

/** `file: why` when a test file's folder mirrors no source folder (or a cross-cutting one); else nothing. */
const misplaced = (file: string, folderExists: (path: string) => boolean): string[] => {
  const mirrored = relative(TESTS, dirname(file));
  const top = mirrored.split("/")[0] ?? "";
  if (CROSS_CUTTING.includes(top)) return [];
  if (SOURCE_ROOTS.includes(top) && folderExists(mirrored)) return [];
  return [`${file}: ${mirrored === "" ? "test/ itself" : `${mirrored}/`} is no source folder`];
};

/** `file: why` when a test file's name is not `<name>.test.ts`. */
const misnamed = (file: string): string[] =>
  file.split("/").at(-1)?.match(TEST_NAME) ? [] : [`${file}: not <name>${SUFFIX}`];

describe("the tests mirror the tree", () => {
  const files = testFiles();

  test("the check sees the tests, in every kind of folder", () => {
    expect(files.length).toBeGreaterThan(40);
    for (const folder of [
      "test/lib/app/",
      "test/lib/layers/network/",
      "test/cli/",
      "test/harness/",
      "test/stack/",
    ])
      expect(files.some((file) => file.startsWith(folder))).toBe(true);
    expect(files).toContain("test/tree/mirror.test.ts");
  });

  test("every test file's folder mirrors a source folder (test/lib/app/ -> lib/app/), but test/stack/ and test/tree/", () => {
    expect(files.flatMap((file) => misplaced(file, isFolder))).toEqual([]);
  });

  test("every test file is <name>.test.ts", () => {
    expect(files.flatMap(misnamed)).toEqual([]);
  });

  test("the check sees a misplaced test: at the top, in a folder that is not code or does not exist, among the helpers", () => {
    const tests = [
      "test/lib/app/render.test.ts",
      "test/harness/engine/offline.test.ts",
      "test/stack/edge.test.ts",
      "test/render.test.ts",
      "test/lib/nowhere/x.test.ts",
      "test/config/stackFile.test.ts",
      "test/support/render.test.ts",
    ];
    expect(tests.flatMap((file) => misplaced(file, isFolder))).toEqual([
      "test/render.test.ts: test/ itself is no source folder",
      "test/lib/nowhere/x.test.ts: lib/nowhere/ is no source folder",
      "test/config/stackFile.test.ts: config/ is no source folder",
      "test/support/render.test.ts: support/ is no source folder",
    ]);
  });

  test("the check sees a test named by its tier", () => {
    expect(
      [
        "test/lib/app/render.test.ts",
        "test/harness/cluster.unit.test.ts",
        "test/stack/fuzz.apps.test.ts",
      ].flatMap(misnamed),
    ).toEqual([
      "test/harness/cluster.unit.test.ts: not <name>.test.ts",
      "test/stack/fuzz.apps.test.ts: not <name>.test.ts",
    ]);
  });
});
