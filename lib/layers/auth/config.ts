import { type ConfigOf, defineLayerConfig, optional, secretKey, withDefault } from "../../config/schema.ts";
import { upstreamStackKey } from "../../config/stackRef.ts";
import { boolean, email, list, text } from "../../config/values.ts";

export const authConfigSchema = defineLayerConfig({
  layer: "auth",
  keys: {
    pocket_id_encryption_key: secretKey(text(16), {
      required: true,
      doc: "Key Pocket ID encrypts its data with (`openssl rand -base64 32`); losing it loses the data",
      type: "string, 16+ characters",
      example: "<key>",
    }),
    tinyauth_oauth_client_id: secretKey(text(1), {
      required: false,
      doc: "Client ID of Tinyauth's OAuth client in Pocket ID; unset on the first deploy",
      type: "string",
      example: "<client id>",
    }),
    tinyauth_oauth_client_secret: secretKey(text(1), {
      required: false,
      doc: "Client secret of Tinyauth's OAuth client in Pocket ID; unset on the first deploy",
      type: "string",
      example: "<client secret>",
    }),
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
  check(config) {
    const hasId = config.tinyauthOauthClientId !== undefined;
    const hasSecret = config.tinyauthOauthClientSecret !== undefined;
    if (hasId === hasSecret) return [];
    const [missing, present] = hasId
      ? ["tinyauth_oauth_client_secret", "tinyauth_oauth_client_id"]
      : ["tinyauth_oauth_client_id", "tinyauth_oauth_client_secret"];
    return [
      {
        where: { key: missing },
        what: `is unset while ${present} is set; Tinyauth needs both to log in through Pocket ID`,
        fix: `set it: pulumi config set --secret ${missing} <value> (or remove ${present})`,
      },
    ];
  },
});

export type AuthConfig = ConfigOf<typeof authConfigSchema.keys>;
