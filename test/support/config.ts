/** Raw configs for config tests: the example stack's values, changed one key at a time. */

import type { RawConfig } from "../../lib/config/schema.ts";
import { readStackConfig } from "../../lib/config/stackFile.ts";
import type { Layer } from "../../lib/core/layerNames.ts";
import { configSchemas } from "../../programs/layers.ts";
import { ROOT } from "./render.ts";

const example = readStackConfig(configSchemas, ROOT, "example")._unsafeUnwrap();

/** The example stack's raw config of `layer`, with `changes` applied (undefined deletes a key). */
export const exampleRaw = (
  layer: Layer,
  changes: Record<string, RawConfig[string] | undefined> = {},
): RawConfig => {
  const raw: Record<string, RawConfig[string]> = { ...example[layer] };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete raw[key];
    else raw[key] = value;
  }
  return raw;
};

/**
 * An example stack file's text as a user makes it their own: every placeholder (fake secrets,
 * example.com, the documentation address, the example NAS) replaced by a value of theirs, and
 * the apps it runs chosen.
 */
export const ownedExampleText = (text: string): string =>
  text
    .replace(/^(config:\n)(?= {2}homelab-apps:)/m, "$1  homelab-apps:apps: demo,miniflux\n")
    .replaceAll("FAKE-", "own-")
    .replaceAll("example.com", "myhome.net")
    .replaceAll("nas.lan", "nas.home.arpa")
    .replaceAll("203.0.113.10", "81.2.69.10");
