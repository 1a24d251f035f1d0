/**
 * Config keys across the layers of a stack: "did you mean" for an unknown key (a typo, or a key
 * that belongs to another layer) and the parser that uses it. Generic: the composition root
 * (programs/layers.ts) hands in every layer's schema, so this module imports no layer.
 */
import type { Result } from "neverthrow";
import { LAYERS, type Layer } from "../layers.ts";
import type { Problem } from "../problem.ts";
import { type LayerSchema, parseLayerConfig, type RawConfig } from "./schema.ts";

/** Every layer's config schema, by layer. */
export type StackSchemas = Readonly<Record<Layer, LayerSchema>>;

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

/** Explains an unknown key of `layer`: the nearest key of the layer, or the layer that owns it. */
export const suggestKey =
  (configSchemas: StackSchemas, layer: Layer) =>
  (key: string): string => {
    const owner = LAYERS.find((other) => key in configSchemas[other].keys);
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

/** Parses `layer`'s raw keys with its schema; unknown keys are explained against every layer's. */
export const parseLayer = (schemas: StackSchemas, layer: Layer, raw: RawConfig): Result<object, Problem[]> =>
  parseLayerConfig(schemas[layer], raw, suggestKey(schemas, layer));
