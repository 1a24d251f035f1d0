/**
 * The render writes what `planResources` says the Pulumi edge registers. This proves it: every
 * layer of the example stack runs through the real runner under Pulumi's mock runtime (config from
 * the stack files, contracts through StackReferences, the network layer's Cloudflare edge with an
 * offline zone lookup), and the resources Pulumi records are exactly the rendered ones, with the
 * same inputs, protection, dependencies and providers. The render and a deploy cannot disagree.
 */
import { describe, expect, test } from "bun:test";
import * as pulumi from "@pulumi/pulumi";
import { LAYERS, projectName } from "../../lib/core/layerNames.ts";
import { runLayer } from "../../lib/pulumi/program.ts";
import type { RecordedResource } from "../../lib/pulumi/resources.ts";
import { OFFLINE_ORGANIZATION, type RenderedLayer } from "../../lib/render/render.ts";
import { configSchemas, loadLayers } from "../../programs/layers.ts";
import { cloudflareRecords } from "../../programs/network/cloudflare.ts";
import { exampleRaw } from "../support/config.ts";
import { runUnderMocks } from "../support/mockRuntime.ts";
import { offlineInvokes } from "../support/offlineInvokes.ts";
import { renderedStack, TEST_RUN } from "../support/render.ts";

/** A rendered resource as Pulumi records it: lookups are inputs the edge fills in at deploy. */
const asRegistered = (resource: RecordedResource, zoneId: string): RecordedResource => {
  const { lookups, ...rest } = resource;
  return lookups ? { ...rest, inputs: { ...rest.inputs, zoneId } } : rest;
};

const byUrn = (resources: readonly RecordedResource[]) =>
  [...resources].sort((a, b) => a.urn.localeCompare(b.urn));

describe("the Pulumi edge registers exactly what the render writes", async () => {
  const [layers, rendered] = await Promise.all([loadLayers(), renderedStack()]);
  const outputs = new Map(rendered.map((layer) => [layer.layer, layer.outputs]));
  const warnings: string[] = [];

  const deploy = (layer: RenderedLayer, raw = exampleRaw(layer.layer)) =>
    runUnderMocks(
      {
        project: projectName(layer.layer),
        stack: "example",
        invokes: offlineInvokes,
        stackReference: (name) => {
          const upstream = LAYERS.find((l) => name === `${OFFLINE_ORGANIZATION}/${projectName(l)}/example`);
          const values = upstream && outputs.get(upstream);
          return values ? { outputs: values, secretOutputNames: [] } : undefined;
        },
      },
      async () => {
        const log = pulumi.log.warn;
        pulumi.log.warn = async (message: string) => void warnings.push(message);
        try {
          return await runLayer(
            layers[layer.layer],
            raw,
            { stack: "example", organization: OFFLINE_ORGANIZATION },
            { schemas: configSchemas, run: TEST_RUN, external: cloudflareRecords },
          );
        } finally {
          pulumi.log.warn = log;
        }
      },
    );

  for (const layer of rendered) {
    test(`${layer.layer}: same resources, inputs and options; same stack outputs`, async () => {
      const run = await deploy(layer);
      const zoneId = "offline-zone-id-example-com";
      expect(byUrn(run.resources)).toEqual(byUrn(layer.resources.map((r) => asRegistered(r, zoneId))));
      expect(run.outputs.outputs).toEqual(layer.outputs);
      expect(run.outputs.secretOutputNames).toEqual([]);
    });
  }

  test("a layer's notices reach the deploy log as warnings: the auth layer's deprecated client keys", async () => {
    expect(warnings).toEqual([]);
    const auth = rendered.find((layer) => layer.layer === "auth");
    if (!auth) throw new Error("no auth layer");
    const oldClient = exampleRaw("auth", {
      tinyauth_oauth_client_id: "hand-made-client-id",
      tinyauth_oauth_client_secret: "hand-made-client-secret",
    });
    await deploy(auth, oldClient);
    expect(warnings).toEqual([
      expect.stringContaining(
        "Deprecated: tinyauth_oauth_client_id and tinyauth_oauth_client_secret are ignored",
      ),
    ]);
  });
});
