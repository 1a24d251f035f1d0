import { appSecretsKey } from "../../app/secrets.ts";
import { defineLayerConfig, optional } from "../../config/schema.ts";
import { upstreamStackKey } from "../../config/stackRef.ts";
import { dnsLabel, list } from "../../config/values.ts";

export const appsConfigSchema = defineLayerConfig({
  layer: "apps",
  keys: {
    network_stack: upstreamStackKey("network"),
    storage_stack: upstreamStackKey("storage"),
    auth_stack: upstreamStackKey("auth"),
    app_secrets: appSecretsKey,
    apps: {
      ...optional(list(dnsLabel), {
        doc: "The apps this stack runs, by file name in programs/apps/apps/ without .ts; '' runs none. Unset runs every app file, which only the example stack may do: other stacks must choose (a stack never deploys the example apps unasked)",
        type: "list of app names",
        example: "demo,miniflux",
      }),
      defaultText: "unset (every app file; example stack only)",
      exampleWhenUnset:
        "this stack would run every app file in programs/apps/apps/, the examples (demo, miniflux) included",
    },
  },
});
