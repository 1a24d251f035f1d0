import { err, ok } from "neverthrow";
import { type ConfigOf, defineLayerConfig, optional, secretKey, withDefault } from "../../config/schema.ts";
import { upstreamStackKey } from "../../config/stackRef.ts";
import { boolean, email, list, text } from "../../config/values.ts";
import { GROUP_NAME_RULE, isGroupName } from "../../oidc/groups.ts";

/** A Pocket ID group name (lib/oidc/groups.ts). */
const groupName = (raw: string) =>
  isGroupName(raw.trim())
    ? ok(raw.trim())
    : err({ what: "is not a Pocket ID group name", fix: `use ${GROUP_NAME_RULE}` });

/** A key of the hand-made OIDC client, accepted (as a secret) and ignored for one release. */
const replacedByTheClientStep = () =>
  secretKey(text(1), {
    required: false,
    doc: "Deprecated and ignored: Tinyauth's OIDC client is now created on deploy; remove the key",
    type: "string",
    example: "<unset>",
  });

export const authConfigSchema = defineLayerConfig({
  layer: "auth",
  keys: {
    pocket_id_encryption_key: secretKey(text(16), {
      required: true,
      doc: "Key Pocket ID encrypts its data with (`openssl rand -base64 32`); losing it loses the data",
      type: "string, 16+ characters",
      example: "<key>",
    }),
    pocket_id_static_api_key: secretKey(text(16), {
      required: false,
      doc: "Pocket ID's STATIC_API_KEY: the admin API key the OIDC client step uses; unset derives one from pocket_id_encryption_key",
      type: "string, 16+ characters",
      example: "<key>",
    }),
    pocket_id_groups: optional(list(groupName), {
      doc: "Pocket ID groups the deploy creates (groups apps name in withAuth or withOidc are created by the apps layer); never deleted",
      type: "list of group names",
      example: "admins,family",
    }),
    tinyauth_oauth_client_id: replacedByTheClientStep(),
    tinyauth_oauth_client_secret: replacedByTheClientStep(),
    tinyauth_allowed_users: optional(list(email), {
      doc: "Emails of the Pocket ID users Tinyauth lets in (matched against the user's email); unset lets every Pocket ID user in",
      type: "list of emails",
      example: "alice@example.com,bob@example.com",
    }),
    tinyauth_analytics: withDefault(boolean, "false", {
      doc: "Let Tinyauth send its version and an id derived from its host name to api.tinyauth.app every 12 hours (Tinyauth's own default is on)",
      type: "true or false",
      example: "false",
    }),
    network_stack: upstreamStackKey("network"),
    storage_stack: upstreamStackKey("storage"),
  },
});

export type AuthConfig = ConfigOf<typeof authConfigSchema.keys>;
