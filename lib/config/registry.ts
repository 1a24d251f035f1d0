/**
 * Config keys across the layers of a stack: "did you mean" for an unknown key (a typo, or a key
 * that belongs to another layer) and the parser that uses it. Generic: the composition root
 * (programs/layers.ts) hands in every layer's schema, so this module imports no layer.
 */
import type { Result } from "neverthrow";
import { LAYERS, type Layer } from "../core/layerNames.ts";
import type { Problem } from "../core/problem.ts";
import { type LayerSchema, parseLayerConfig, type RawConfig } from "./schema.ts";

/** Every layer's config schema, by layer. */
export type StackSchemas = Readonly<Record<Layer, LayerSchema>>;

/**
 * Edit distance, for suggesting the key a typo meant. With a `limit`, any distance above it is
 * reported as `limit + 1` and the work stops there: a suggestion only needs the near keys, and an
 * unknown key is compared with every key of every layer.
 */
export const editDistance = (a: string, b: string, limit = Number.POSITIVE_INFINITY): number => {
  // The lengths' difference is a lower bound of the distance.
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Two rows of the Levenshtein table, swapped per row: no allocation per row or cell.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMinimum = i;
    const code = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (code === b.charCodeAt(j - 1) ? 0 : 1);
      const distance = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      current[j] = distance;
      if (distance < rowMinimum) rowMinimum = distance;
    }
    // Distances never shrink from one row to the next: past the limit here, past it at the end.
    if (rowMinimum > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length] as number, limit + 1);
};

/** The first of `candidates` nearest to `key`, if it is near enough to be the key a typo meant. */
const nearest = <T extends { known: string }>(key: string, candidates: readonly T[]): T | undefined => {
  const limit = Math.max(2, Math.floor(key.length / 4));
  const typed = key.toLowerCase();
  let best: { candidate: T; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.known, best ? best.distance - 1 : limit);
    if (distance <= (best ? best.distance - 1 : limit)) best = { candidate, distance };
  }
  return best?.candidate;
};

/** Explains an unknown key of `layer`: the nearest key of the layer, or the layer that owns it. */
export const suggestKey = (configSchemas: StackSchemas, layer: Layer) => {
  // Listed once per parse, at its first unknown key.
  let keys: { own: { known: string }[]; every: { other: Layer; known: string }[] } | undefined;
  const known = () => {
    keys ??= {
      own: Object.keys(configSchemas[layer].keys).map((key) => ({ known: key })),
      every: LAYERS.flatMap((other) =>
        Object.keys(configSchemas[other].keys).map((key) => ({ other, known: key })),
      ),
    };
    return keys;
  };
  return (key: string): string => {
    const owner = LAYERS.find((other) => key in configSchemas[other].keys);
    if (owner) return `${key} belongs to the ${owner} layer: move it to config/${owner}/Pulumi.<stack>.yaml`;
    const own = nearest(key, known().own);
    if (own) return `did you mean ${own.known}?`;
    // A misspelt key of another layer: name it and where it belongs.
    const elsewhere = nearest(key, known().every);
    if (elsewhere)
      return `did you mean ${elsewhere.known}? It belongs to the ${elsewhere.other} layer: config/${elsewhere.other}/Pulumi.<stack>.yaml`;
    return `remove it, or use one of: ${Object.keys(configSchemas[layer].keys).join(", ")}`;
  };
};

/** Parses `layer`'s raw keys with its schema; unknown keys are explained against every layer's. */
export const parseLayer = (schemas: StackSchemas, layer: Layer, raw: RawConfig): Result<object, Problem[]> =>
  parseLayerConfig(schemas[layer], raw, suggestKey(schemas, layer));
