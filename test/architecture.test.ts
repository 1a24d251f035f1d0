/**
 * The shape of the tree, checked: imports go one way (generic modules import no layer, a layer no
 * later layer, lib/ nothing of programs/ or cli/, and the product nothing of the harness: the
 * verification harness in harness/ may import the product, never the other way round).
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

/** The repository paths a file's text imports (relative imports only; packages are not the tree's shape). */
const importsIn = (file: string, text: string): string[] =>
  [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((match) =>
    relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? "")),
  );

const importsOf = (file: string): string[] => importsIn(file, readFileSync(join(ROOT, file), "utf8"));

/** `file -> path` for each of the file's imports that the rule forbids. */
const crossings = (file: string, imports: string[], forbidden: (path: string) => boolean): string[] =>
  imports.filter(forbidden).map((path) => `${file} -> ${path}`);

const isHarness = (path: string): boolean => path.startsWith("harness/");

/** The layer a lib/ path belongs to (its rank in deploy order), or undefined for a generic module. */
const layerRank = (path: string): number | undefined => {
  const rank = LAYERS.findIndex((layer) => path.startsWith(`lib/${layer}/`));
  return rank === -1 ? undefined : rank;
};

const MAX_FILE_LINES = 300;
const LIB = sources("lib");
/** What a user runs: the library, the Pulumi programs and the product's commands. */
const PRODUCT = [...LIB, ...sources("programs"), ...sources("cli")];
const HARNESS = sources("harness");

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

  test("lib/, programs/ and cli/ import nothing from harness/", () => {
    expect(PRODUCT.flatMap((file) => crossings(file, importsOf(file), isHarness))).toEqual([]);
  });

  test("the check sees a product file importing the harness, statically or dynamically", () => {
    const text =
      'import { x } from "../../harness/cluster/api.ts";\nconst e2e = await import("../../harness/e2e.ts");';
    expect(crossings("lib/pulumi/entry.ts", importsIn("lib/pulumi/entry.ts", text), isHarness)).toEqual([
      "lib/pulumi/entry.ts -> harness/cluster/api.ts",
      "lib/pulumi/entry.ts -> harness/e2e.ts",
    ]);
    expect(
      crossings("cli/render.ts", importsIn("cli/render.ts", 'from "../lib/layer.ts"'), isHarness),
    ).toEqual([]);
  });

  test("the check sees the harness: it imports the product, which is the allowed way", () => {
    expect(HARNESS).toContain("harness/verifyCluster.ts");
    expect(importsOf("harness/e2eInline.ts")).toContain("cli/pulumi.ts");
  });

  test("the check sees imports: the render imports the generic modules it is built on", () => {
    expect(importsOf("lib/render/render.ts")).toContain("lib/layer.ts");
    expect(layerRank("lib/network/layer.ts")).toBe(0);
    expect(layerRank("lib/layer.ts")).toBeUndefined();
  });
});
/** The code of a file: its lines but comments (which may name a key in backquotes). */
const codeOf = (file: string): string =>
  readFileSync(join(ROOT, file), "utf8")
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join("\n");

/** Files of `files`, other than `homes`, that write `key` as a string literal (quoted or a template). */
const literalOutside = (files: readonly string[], key: string, homes: readonly string[]): string[] =>
  files.filter(
    (file) =>
      !homes.includes(file) && ['"', "'", "`"].some((quote) => codeOf(file).includes(`${quote}${key}`)),
  );

describe("one definition per label and annotation key", () => {
  test("the ownership labels are written only by the labels helper", () => {
    for (const key of ["app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"])
      expect(literalOutside([...PRODUCT, ...HARNESS], key, ["lib/k8s/labels.ts"])).toEqual([]);
  });

  test("annotation keys (and the platform's own label keys) are written only in their one module", () => {
    const keys = [
      "pulumi.com/",
      "metallb.io/address-pool",
      "metallb.io/loadBalancerIPs",
      "external-dns.alpha.kubernetes.io/",
      "pihole.external-dns.alpha.kubernetes.io/",
      "traefik.ingress.kubernetes.io/",
      "ingressclass.kubernetes.io/",
      "storageclass.kubernetes.io/",
      "kubernetes.io/ingress.class",
      "tinyauth.apps.",
      "homelab/",
    ];
    for (const key of keys)
      expect(literalOutside(LIB, key, ["lib/annotations.ts", "lib/k8s/labels.ts"])).toEqual([]);
  });

  test("the check sees a literal outside the helper", () => {
    expect(literalOutside(["lib/k8s/labels.ts"], "app.kubernetes.io/part-of", [])).toEqual([
      "lib/k8s/labels.ts",
    ]);
  });
});

/** Reads of the process's environment or clock in a text: they belong to the command line. */
const impureReads = (file: string, text: string): string[] =>
  [...text.matchAll(/process\.env|new Date\(\)|Date\.now\(\)/g)].map((match) => `${file}: ${match[0]}`);

describe("the library is a pure function of its inputs", () => {
  test("lib/ reads no environment variable and no clock: the commands and programs pass them in", () => {
    expect(LIB.flatMap((file) => impureReads(file, readFileSync(join(ROOT, file), "utf8")))).toEqual([]);
  });

  test("the check sees such a read", () => {
    expect(
      impureReads("lib/x.ts", "const year = new Date().getUTCFullYear(); const e = process.env.X;"),
    ).toEqual(["lib/x.ts: new Date()", "lib/x.ts: process.env"]);
  });
});

test(`no source file is over ${MAX_FILE_LINES} lines`, () => {
  const long = [...PRODUCT, ...HARNESS]
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  expect(long).toEqual([]);
});
