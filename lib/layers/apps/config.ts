import { appSecretsKey } from "../../app/secrets.ts";
import { defineLayerConfig } from "../../config/schema.ts";
import { upstreamStackKey } from "../../config/stackRef.ts";

export const appsConfigSchema = defineLayerConfig({
  layer: "apps",
  keys: {
    network_stack: upstreamStackKey("network"),
    storage_stack: upstreamStackKey("storage"),
    auth_stack: upstreamStackKey("auth"),
    app_secrets: appSecretsKey,
  },
});
