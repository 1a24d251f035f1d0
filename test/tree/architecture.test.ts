/**
 * The shape of the tree, checked: imports go one way (nothing outside lib/layers/ but the
 * composition root imports a layer, a layer no later layer, an app file only the app vocabulary,
 * lib/ nothing of programs/ or cli/, and the product nothing of the harness: the verification
 * harness in harness/ may import the product, never the other way round).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { LAYERS } from "../../lib/core/layerNames.ts";
import { ROOT } from "../support/render.ts";

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

const LAYERS_DIR = "lib/layers/";

/** The layer a lib/ path belongs to (its rank in deploy order), or undefined for a generic module. */
const layerRank = (path: string): number | undefined => {
  const rank = LAYERS.findIndex((layer) => path.startsWith(`${LAYERS_DIR}${layer}/`));
  return rank === -1 ? undefined : rank;
};

/** Where the layers are put together: the only code outside lib/layers/ that may import a layer. */
const COMPOSITION_ROOT = ["programs/", "cli/", "harness/", "test/"];

/** For a file outside lib/layers/ and the composition root: does an import reach into a layer? */
const intoLayers =
  (file: string) =>
  (path: string): boolean =>
    !file.startsWith(LAYERS_DIR) &&
    !COMPOSITION_ROOT.some((root) => file.startsWith(root)) &&
    path.startsWith(LAYERS_DIR);

/** For a layer's file: does an import reach a layer deployed after it? */
const laterLayer =
  (file: string) =>
  (path: string): boolean => {
    const own = layerRank(file);
    return own !== undefined && (layerRank(path) ?? -1) > own;
  };

/** The one module of lib/ an app file imports: the app vocabulary. */
const VOCABULARY = "lib/app/index.ts";
const APP_FILES = "programs/apps/apps/";

/** For an app file: does an import reach lib/ other than through the app vocabulary? */
const pastVocabulary =
  (file: string) =>
  (path: string): boolean =>
    file.startsWith(APP_FILES) && path.startsWith("lib/") && path !== VOCABULARY;

const MAX_FILE_LINES = 300;
const LIB = sources("lib");
/** What a user runs: the library, the Pulumi programs and the product's commands. */
const PRODUCT = [...LIB, ...sources("programs"), ...sources("cli")];
const HARNESS = sources("harness");
const EVERY = [...PRODUCT, ...HARNESS, ...sources("test")];

describe("imports go one way", () => {
  test("lib/ imports nothing from programs/ or cli/", () => {
    const found = LIB.flatMap((file) =>
      importsOf(file)
        .filter((path) => path.startsWith("programs/") || path.startsWith("cli/"))
        .map((path) => `${file} -> ${path}`),
    );
    expect(found).toEqual([]);
  });

  test("lib/layers/ holds the four layers and nothing else, so every layer has a rank", () => {
    const folders = readdirSync(join(ROOT, LAYERS_DIR), { withFileTypes: true });
    expect(folders.filter((entry) => !entry.isDirectory()).map((entry) => entry.name)).toEqual([]);
    expect(folders.map((entry) => entry.name).sort()).toEqual([...LAYERS].sort());
  });

  test("nothing outside lib/layers/ imports a layer, but the composition root (programs/, cli/, harness/, test/)", () => {
    expect(EVERY.flatMap((file) => crossings(file, importsOf(file), intoLayers(file)))).toEqual([]);
  });

  test("a layer imports no later layer", () => {
    expect(LIB.flatMap((file) => crossings(file, importsOf(file), laterLayer(file)))).toEqual([]);
  });

  test("an app file imports lib/ only through the app vocabulary, lib/app/index.ts", () => {
    const appFiles = sources(APP_FILES);
    expect(appFiles.length).toBeGreaterThan(0);
    expect(appFiles.flatMap((file) => importsOf(file))).toContain(VOCABULARY);
    expect(appFiles.flatMap((file) => crossings(file, importsOf(file), pastVocabulary(file)))).toEqual([]);
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
      crossings("cli/render.ts", importsIn("cli/render.ts", 'from "../lib/core/layer.ts"'), isHarness),
    ).toEqual([]);
  });

  test("the check sees the harness: it imports the product, which is the allowed way", () => {
    expect(HARNESS).toContain("harness/verifyCluster.ts");
    expect(importsOf("harness/e2eInline.ts")).toContain("cli/pulumi.ts");
  });

  test("the check sees imports: the render imports the generic modules it is built on", () => {
    expect(importsOf("lib/render/render.ts")).toContain("lib/core/layer.ts");
    expect(layerRank("lib/layers/network/layer.ts")).toBe(0);
    expect(layerRank("lib/layers/apps/integrity/inventory.ts")).toBe(3);
    expect(layerRank("lib/core/layer.ts")).toBeUndefined();
  });

  test("the check sees a generic module importing a layer, and lets the composition root do it", () => {
    const file = "lib/preflight/crds.ts";
    const text = 'import { charts } from "../layers/storage/versions.ts";';
    expect(crossings(file, importsIn(file, text), intoLayers(file))).toEqual([
      "lib/preflight/crds.ts -> lib/layers/storage/versions.ts",
    ]);
    const root = "cli/render.ts";
    const wiring = 'import { networkLayer } from "../lib/layers/network/layer.ts";';
    expect(crossings(root, importsIn(root, wiring), intoLayers(root))).toEqual([]);
  });

  test("the check sees a layer importing a later one, and lets it import an earlier one", () => {
    const file = "lib/layers/storage/plan.ts";
    const text = 'import { x } from "../apps/plan.ts";\nimport { y } from "../network/names.ts";';
    expect(crossings(file, importsIn(file, text), laterLayer(file))).toEqual([
      "lib/layers/storage/plan.ts -> lib/layers/apps/plan.ts",
    ]);
  });

  test("the check sees an app file importing lib/ past the vocabulary", () => {
    const file = "programs/apps/apps/x.ts";
    const text =
      'import { app } from "../../../lib/app/index.ts";\nimport { y } from "../../../lib/layers/apps/plan.ts";';
    expect(crossings(file, importsIn(file, text), pastVocabulary(file))).toEqual([
      "programs/apps/apps/x.ts -> lib/layers/apps/plan.ts",
    ]);
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
      expect(literalOutside(LIB, key, ["lib/k8s/annotations.ts", "lib/k8s/labels.ts"])).toEqual([]);
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

describe("the render loads no Pulumi module", () => {
  // The typed kinds (lib/core/plan.ts) import @pulumi/kubernetes's input types as types only. A
  // preload fails any load of a Pulumi module; the render runs under it, the edge does not.
  const PRELOAD = `import { plugin } from "bun";
plugin({ name: "no-pulumi", setup(build) {
  build.onLoad({ filter: /node_modules\\/@pulumi\\// }, (args) => { throw new Error("loaded " + args.path); });
} });
`;
  const underPreload = (...args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), "no-pulumi-"));
    try {
      writeFileSync(join(dir, "preload.ts"), PRELOAD);
      const run = Bun.spawnSync(["bun", "--preload", join(dir, "preload.ts"), ...args, join(dir, "out")], {
        cwd: ROOT,
      });
      return { exitCode: run.exitCode, stderr: run.stderr.toString() };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test("bun run render", () => {
    expect(underPreload("cli/render.ts", "--out")).toMatchObject({ exitCode: 0 });
  });

  test("the preload sees a load: the edge's", () => {
    const edge = underPreload("-e", 'await import("./lib/pulumi/createPlan.ts")', "--");
    expect(edge.exitCode).not.toBe(0);
    expect(edge.stderr).toContain("loaded ");
  });
});

test(`no source file is over ${MAX_FILE_LINES} lines`, () => {
  const long = [...PRODUCT, ...HARNESS]
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  expect(long).toEqual([]);
});
