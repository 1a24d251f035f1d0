/**
 * Every layer's config schema in one place: the parsers' entry point, the source of the README's
 * config reference, and what "did you mean" searches when a key is unknown.
 */
import type { Result } from "neverthrow";
import { appsConfigSchema } from "../apps/config.ts";
import { authConfigSchema } from "../auth/config.ts";
import { LAYERS, type Layer } from "../layers.ts";
import { networkConfigSchema } from "../network/config.ts";
import type { Problem } from "../problem.ts";
import { storageConfigSchema } from "../storage/config.ts";
import { type ConfigOf, type LayerSchema, parseLayerConfig, type RawConfig } from "./schema.ts";

export const configSchemas = {
  network: networkConfigSchema,
  storage: storageConfigSchema,
  auth: authConfigSchema,
  apps: appsConfigSchema,
} as const;

export type LayerConfig<L extends Layer> = ConfigOf<(typeof configSchemas)[L]["keys"]>;

/** Edit distance, for suggesting the key a typo meant. */
export const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

const ownerOf = (key: string): Layer | undefined => LAYERS.find((layer) => key in configSchemas[layer].keys);

/** Explains an unknown key of `layer`: the nearest key of the layer, or the layer that owns it. */
export const suggestKey =
  (layer: Layer) =>
  (key: string): string => {
    const owner = ownerOf(key);
    if (owner) return `${key} belongs to the ${owner} layer: move it to config/${owner}/Pulumi.<stack>.yaml`;
    const candidates = Object.keys(configSchemas[layer].keys)
      .map((known) => ({ known, distance: editDistance(key.toLowerCase(), known) }))
      .sort((a, b) => a.distance - b.distance);
    const best = candidates[0];
    const near = (distance: number) => distance <= Math.max(2, Math.floor(key.length / 4));
    if (best && near(best.distance)) return `did you mean ${best.known}?`;
    // A misspelt key of another layer: name it and where it belongs.
    const elsewhere = LAYERS.flatMap((other) =>
      Object.keys(configSchemas[other].keys).map((known) => ({
        other,
        known,
        distance: editDistance(key.toLowerCase(), known),
      })),
    ).sort((a, b) => a.distance - b.distance)[0];
    if (elsewhere && near(elsewhere.distance))
      return `did you mean ${elsewhere.known}? It belongs to the ${elsewhere.other} layer: config/${elsewhere.other}/Pulumi.<stack>.yaml`;
    return `remove it, or use one of: ${Object.keys(configSchemas[layer].keys).join(", ")}`;
  };

export const parseConfig = <L extends Layer>(layer: L, raw: RawConfig): Result<LayerConfig<L>, Problem[]> =>
  parseLayerConfig(configSchemas[layer] as LayerSchema, raw, suggestKey(layer)) as Result<
    LayerConfig<L>,
    Problem[]
  >;
