/**
 * Renovate finds every pin the render uses: each Helm chart at its version and each container
 * image at its tag is matched by one of renovate.json's custom managers, read the way Renovate
 * reads them (file patterns, then match strings with named groups). CI validates the file itself
 * with renovate-config-validator.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ETCD_VERSION, KUBERNETES_VERSION } from "../../harness/cluster/versions.ts";
import { ROOT, renderedStack } from "../support/render.ts";

interface CustomManager {
  managerFilePatterns: string[];
  matchStrings: string[];
  depNameTemplate?: string;
}

const config = JSON.parse(readFileSync(join(ROOT, "renovate.json"), "utf8")) as {
  customManagers: CustomManager[];
};

/** Renovate writes a file pattern as `/regex/`. */
const fileRegex = (pattern: string): RegExp => new RegExp(pattern.slice(1, -1));

const repoFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (["node_modules", ".git", "out"].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? repoFiles(path) : [relative(ROOT, path)];
  });

/** Every `depName@currentValue` the custom managers find in the repository. */
const findPins = (): Set<string> => {
  const files = repoFiles(ROOT);
  const pins = new Set<string>();
  for (const manager of config.customManagers) {
    const matching = files.filter((file) => manager.managerFilePatterns.some((p) => fileRegex(p).test(file)));
    expect(matching.length).toBeGreaterThan(0);
    for (const file of matching) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const matchString of manager.matchStrings) {
        for (const match of text.matchAll(new RegExp(matchString, "g"))) {
          pins.add(`${match.groups?.depName ?? manager.depNameTemplate}@${match.groups?.currentValue}`);
        }
      }
    }
  }
  return pins;
};

/** Container images anywhere in a rendered object (pod templates, CloudNativePG's imageName). */
const imagesIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(imagesIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    (key === "image" || key === "imageName") && typeof inner === "string" ? [inner] : imagesIn(inner),
  );
};

const found = (() => {
  let pins: Set<string> | undefined;
  return () => {
    pins ??= findPins();
    return pins;
  };
})();

const asPin = (image: string): string => {
  const colon = image.lastIndexOf(":");
  return `${image.slice(0, colon)}@${image.slice(colon + 1)}`;
};

describe("renovate.json", () => {
  test("matches every chart and image pin the render uses", async () => {
    const layers = await renderedStack();
    const used = new Set([
      ...layers.flatMap((layer) => layer.documents.helm.map(({ body }) => `${body.chart}@${body.version}`)),
      ...layers.flatMap((layer) =>
        layer.documents.kubernetes.flatMap(({ body }) => imagesIn(body).map(asPin)),
      ),
    ]);
    expect(used.size).toBeGreaterThan(10);
    const pins = found();
    expect([...used].filter((pin) => !pins.has(pin))).toEqual([]);
  });

  test("matches the Bun version CI installs, which is the one package.json names", () => {
    const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      packageManager: string;
    };
    expect(found()).toContain(packageJson.packageManager);
  });

  test("matches the control plane verify:cluster builds", () => {
    expect(found()).toContain(`kubernetes/kubernetes@${KUBERNETES_VERSION}`);
    expect(found()).toContain(`etcd-io/etcd@${ETCD_VERSION}`);
  });

  test("a chart pin written in another order is not found, so the first test would fail on it", () => {
    const helm = config.customManagers[0]?.matchStrings[0] ?? "";
    const reordered = 'version: "1.0.0",\n  chart: "thing",\n  repo: "https://charts.example.com",';
    expect(reordered.match(new RegExp(helm))).toBeNull();
    expect(
      'chart: "thing",\n  version: "1.0.0",\n  repo: "https://charts.example.com",'.match(new RegExp(helm))
        ?.groups,
    ).toEqual({
      depName: "thing",
      currentValue: "1.0.0",
      registryUrl: "https://charts.example.com",
    });
  });
});
