/** Renders a stack once per test process and shares the result between suites. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateApps } from "../../harness/bench/apps.ts";
import { stackRoot } from "../../harness/bench.ts";
import type { RunContext } from "../../lib/core/layer.ts";
import type { Layer } from "../../lib/core/layerNames.ts";
import { type Drawing, drawCluster } from "../../lib/render/drawing/draw.ts";
import { type RenderedLayer, renderStackFiles } from "../../lib/render/render.ts";
import { summarize } from "../../lib/render/summary.ts";
import { loadLayers } from "../../programs/layers.ts";

export const ROOT = resolve(import.meta.dirname, "../..");

/** The run every test renders in: a fixed year (zone rules), a real deploy's charts. */
export const TEST_RUN: RunContext = { year: 2026 };

/**
 * Upstream CRDs and values schemas kept beside the repository (in the team's shared folder), for
 * tests that check our structural checks against them; those tests are skipped where it is absent.
 */
export const REFERENCE_SCHEMAS = resolve(ROOT, "../shared/reference/schemas");

const renders = new Map<string, Promise<RenderedLayer[]>>();

/** The example stack (or another stack under config/), rendered offline; throws on config errors. */
export const renderedStack = (stack = "example", root = ROOT): Promise<RenderedLayer[]> => {
  const key = `${root}\0${stack}`;
  if (!renders.has(key)) {
    renders.set(
      key,
      loadLayers().then((layers) => {
        const result = renderStackFiles(layers, root, stack, TEST_RUN);
        if (result.isErr()) throw new Error(JSON.stringify(result.error, null, 2));
        return result.value;
      }),
    );
  }
  return renders.get(key) as Promise<RenderedLayer[]>;
};

/** Every URN `urn` waits for, directly or through what it waits for. */
export const waitsFor = (layer: RenderedLayer, urn: string): Set<string> => {
  const byUrn = new Map(layer.resources.map((resource) => [resource.urn, resource]));
  const seen = new Set<string>();
  const visit = (next: string) => {
    for (const dependency of byUrn.get(next)?.dependsOn ?? []) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(urn);
  return seen;
};

export const renderedLayer = async (layer: Layer, stack = "example"): Promise<RenderedLayer> => {
  const found = (await renderedStack(stack)).find((rendered) => rendered.layer === layer);
  if (!found) throw new Error(`layer ${layer} was not rendered`);
  return found;
};

const drawings = new Map<string, Promise<Drawing>>();

/** The drawn plan of a stack (its render shared with `renderedStack`), laid out once per test process. */
export const drawnStack = (stack = "example"): Promise<Drawing> => {
  if (!drawings.has(stack)) {
    drawings.set(
      stack,
      renderedStack(stack).then((layers) => drawCluster(stack, layers, summarize(stack, layers))),
    );
  }
  return drawings.get(stack) as Promise<Drawing>;
};

const generated = new Map<number, { appsDir: string; root: string }>();

/**
 * A folder of `count` generated apps (the benchmark's generator) and a config root whose apps stack
 * holds their secrets, written once per test process: suites that load them share the imports.
 */
export const generatedStack = (count: number): { appsDir: string; root: string } => {
  const known = generated.get(count);
  if (known) return known;
  const work = mkdtempSync(join(tmpdir(), "homelab-generated-"));
  const apps = generateApps(count, join(ROOT, "lib/app/index.ts"));
  const appsDir = join(work, "apps");
  mkdirSync(appsDir);
  for (const [file, source] of Object.entries(apps.files)) writeFileSync(join(appsDir, file), source);
  const made = { appsDir, root: stackRoot(join(work, "root"), apps.appSecrets) };
  generated.set(count, made);
  return made;
};
