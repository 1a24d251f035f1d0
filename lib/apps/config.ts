import { type ConfigOf, defineLayerConfig } from "../config/schema.ts";
import { upstreamStackKey } from "../config/stackRef.ts";
import { appSecretsKey } from "./secrets.ts";

export const appsConfigSchema = defineLayerConfig({
  layer: "apps",
  keys: {
    network_stack: upstreamStackKey("network"),
    storage_stack: upstreamStackKey("storage"),
    auth_stack: upstreamStackKey("auth"),
    app_secrets: appSecretsKey,
  },
});

export type AppsConfig = ConfigOf<typeof appsConfigSchema.keys>;
