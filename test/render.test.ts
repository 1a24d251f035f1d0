import { describe, expect, test } from "bun:test";
import { LAYERS } from "../lib/layers.ts";
import { renderedStack } from "./support/render.ts";

describe("offline render of the example stack", () => {
  test("renders every layer in deploy order", async () => {
    const layers = await renderedStack();
    expect(layers.map((layer) => layer.layer)).toEqual([...LAYERS]);
  });

  test("each layer's outputs satisfy what the next layers read", async () => {
    const layers = await renderedStack();
    const network = layers[0]?.outputs.outputs;
    expect(network?.domain).toBe("example.com");
    expect(network?.externalHostname).toBe("external.example.com");
  });
});
