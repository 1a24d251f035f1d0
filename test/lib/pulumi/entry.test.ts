import { expect, test } from "bun:test";
import * as pulumi from "@pulumi/pulumi";
import { ENCRYPTED } from "../../../lib/config/schema.ts";
import { projectName } from "../../../lib/core/layerNames.ts";
import { storageLayer } from "../../../lib/layers/storage/layer.ts";
import { pulumiEntry } from "../../../lib/pulumi/entry.ts";
import { configSchemas } from "../../../programs/layers.ts";
import { exampleRaw } from "../../support/config.ts";
import { runUnderMocks } from "../../support/mockRuntime.ts";
import { TEST_RUN } from "../../support/render.ts";

/** What `pulumi up` does: config arrives through the Pulumi runtime, prefixed with the project. */
const underPulumi = (config: Record<string, string>) =>
  runUnderMocks(
    { project: projectName("storage"), stack: "home", stackReference: () => undefined, invokes: {} },
    async () => {
      pulumi.runtime.setAllConfig(config);
      return pulumiEntry(storageLayer, { schemas: configSchemas, run: TEST_RUN })();
    },
  );

const storageConfig = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(exampleRaw("storage"))
      .filter((entry): entry is [string, string] => entry[1] !== ENCRYPTED)
      .map(([key, value]) => [`homelab-storage:${key}`, value]),
  );

test("the Pulumi entry reads the layer's keys from the runtime config and returns the contract", async () => {
  const run = await underPulumi({ ...storageConfig(), "kubernetes:context": "admin@home" });
  expect(run.outputs.outputs.backupTarget).toBe("nfs://nas.lan:/volume1/backups/longhorn");
  expect(run.resources.length).toBeGreaterThan(0);
});

test("the Pulumi entry stops with every config error before any resource exists", async () => {
  const run = underPulumi({
    ...storageConfig(),
    "homelab-storage:nfs_hostname": "nfs://nas",
    "homelab-storage:longhorn_replica_count": "0",
  });
  await expect(run).rejects.toThrow(
    /2 config error\(s\) in homelab-storage \(stack home\); nothing was changed:[\s\S]*nfs_hostname[\s\S]*longhorn_replica_count/,
  );
});
