/**
 * The composition root: the four layers of a stack, in deploy order. The apps layer is made from
 * the app modules of programs/apps/apps/ (adding an app is adding a file there).
 */
import { join } from "node:path";
import type { Result } from "neverthrow";
import { parseLayer, type StackSchemas } from "../lib/config/registry.ts";
import type { ConfigOf, RawConfig } from "../lib/config/schema.ts";
import { runContextOf, type StackLayers } from "../lib/core/layer.ts";
import type { Layer } from "../lib/core/layerNames.ts";
import type { Problem } from "../lib/core/problem.ts";
import { appsConfigSchema } from "../lib/layers/apps/config.ts";
import { appsLayer } from "../lib/layers/apps/layer.ts";
import { importApps } from "../lib/layers/apps/plan.ts";
import { authLayer } from "../lib/layers/auth/layer.ts";
import { networkLayer } from "../lib/layers/network/layer.ts";
import { storageLayer } from "../lib/layers/storage/layer.ts";
import type { ExternalEdge, Wiring } from "../lib/pulumi/program.ts";

export const APPS_DIR = join(import.meta.dirname, "apps", "apps");

/** The apps layer of a folder; `timeoutMs` bounds each module's import (tests set it low). */
export const loadAppsLayer = async (dir = APPS_DIR, timeoutMs?: number) =>
  appsLayer(await importApps(dir, timeoutMs));

export const loadLayers = async (appsDir = APPS_DIR, timeoutMs?: number): Promise<StackLayers> => ({
  network: networkLayer,
  storage: storageLayer,
  auth: authLayer,
  apps: await loadAppsLayer(appsDir, timeoutMs),
});

/** Every layer's config schema: what stack files are read with and the README's reference shows. */
export const configSchemas = {
  network: networkLayer.schema,
  storage: storageLayer.schema,
  auth: authLayer.schema,
  apps: appsConfigSchema,
} satisfies StackSchemas;

export type LayerConfig<L extends Layer> = ConfigOf<(typeof configSchemas)[L]["keys"]>;

/** One layer's raw config, parsed and typed. */
export const parseConfig = <L extends Layer>(layer: L, raw: RawConfig): Result<LayerConfig<L>, Problem[]> =>
  parseLayer(configSchemas, layer, raw) as Result<LayerConfig<L>, Problem[]>;

/**
 * What every layer's program runs with: the schemas, this run's context (the clock and the
 * environment are read here, at the program's entry), the layer's own external edge.
 */
export const programWiring = (external?: ExternalEdge): Wiring => ({
  schemas: configSchemas,
  run: runContextOf(new Date()),
  ...(external ? { external } : {}),
});
