/**
 * The shape of the tree, checked: imports go one way (generic modules import no layer, a layer no
 * later layer, lib/ nothing of programs/ or cli/).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { LAYERS } from "../lib/layers.ts";
import { ROOT } from "./support/render.ts";

const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(dir, file));

/** The repository paths a file imports (relative imports only; packages are not the tree's shape). */
const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((match) =>
    relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? "")),
  );

/** The layer a lib/ path belongs to (its rank in deploy order), or undefined for a generic module. */
const layerRank = (path: string): number | undefined => {
  const rank = LAYERS.findIndex((layer) => path.startsWith(`lib/${layer}/`));
  return rank === -1 ? undefined : rank;
};

const MAX_FILE_LINES = 300;
const LIB = sources("lib");

describe("imports go one way", () => {
  test("lib/ imports nothing from programs/ or cli/", () => {
    const found = LIB.flatMap((file) =>
      importsOf(file)
        .filter((path) => path.startsWith("programs/") || path.startsWith("cli/"))
        .map((path) => `${file} -> ${path}`),
    );
    expect(found).toEqual([]);
  });

  test("generic modules import no layer", () => {
    const found = LIB.filter((file) => layerRank(file) === undefined).flatMap((file) =>
      importsOf(file)
        .filter((path) => layerRank(path) !== undefined)
        .map((path) => `${file} -> ${path}`),
    );
    expect(found).toEqual([]);
  });

  test("a layer imports no later layer", () => {
    const found = LIB.flatMap((file) => {
      const own = layerRank(file);
      if (own === undefined) return [];
      return importsOf(file)
        .filter((path) => (layerRank(path) ?? -1) > own)
        .map((path) => `${file} -> ${path}`);
    });
    expect(found).toEqual([]);
  });

  test("the check sees imports: the render imports the generic modules it is built on", () => {
    expect(importsOf("lib/render/render.ts")).toContain("lib/layer.ts");
    expect(layerRank("lib/network/layer.ts")).toBe(0);
    expect(layerRank("lib/layer.ts")).toBeUndefined();
  });
});
test(`no source file is over ${MAX_FILE_LINES} lines`, () => {
  const long = [...LIB, ...sources("cli"), ...sources("programs")]
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  expect(long).toEqual([]);
});
