/**
 * The README's "Repository layout" is the tree: every path it names exists, and every folder of
 * the repository, of lib/, harness/ and test/, and every file at the top of lib/ and harness/, is
 * named (as an entry, not only in a description).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/render.ts";

/** The code block of the layout section. */
const layoutBlock = (readme: string): string => {
  const section = readme.split("## Repository layout")[1]?.split("\n## ")[0] ?? "";
  return section.split("```")[1] ?? "";
};

/**
 * The paths a block names: each line starts with one or more names (single spaces between them)
 * before its description (two spaces or more); an indented line's names sit in the folder above.
 */
const namedPaths = (block: string): string[] => {
  let parent = "";
  return block
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      const indented = line.startsWith(" ");
      const names = (line.trim().split(/ {2,}/)[0] ?? "").split(" ");
      if (!indented) parent = names[0] ?? "";
      return names.map((name) => (indented ? `${parent}${name}` : name));
    });
};

const entries = (dir: string) => readdirSync(join(ROOT, dir), { withFileTypes: true });
const folders = (dir: string) =>
  entries(dir)
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules")
    .map((entry) => `${dir ? `${dir}/` : ""}${entry.name}/`);
const files = (dir: string) =>
  entries(dir)
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => `${dir}/${entry.name}`);

describe("the README's repository layout is the tree", () => {
  const block = layoutBlock(readFileSync(join(ROOT, "README.md"), "utf8"));
  const named = namedPaths(block);

  test("every path it names exists", () => {
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  test("every folder, of lib/, harness/ and test/ too, and every file at the top of lib/ and harness/, is named", () => {
    const tracked = folders("").filter((folder) => !["out/", "node_modules/"].includes(folder));
    const wanted = [
      ...tracked,
      ...folders("lib"),
      ...folders("harness"),
      ...folders("test"),
      ...files("lib"),
      ...files("harness"),
    ];
    expect(wanted.filter((path) => !named.includes(path))).toEqual([]);
  });

  test("the parser reads names before the description, in their folder", () => {
    expect(namedPaths("lib/  the library\n  a.ts b/   two entries\ncli/   commands")).toEqual([
      "lib/",
      "lib/a.ts",
      "lib/b/",
      "cli/",
    ]);
  });
});
