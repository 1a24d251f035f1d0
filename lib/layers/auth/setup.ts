/**
 * What the operator reads after an auth deploy: the one manual step (the admin's passkey), what the
 * OIDC client step made, and the notice for the config keys it replaced.
 */
import { authUrls } from "./urls.ts";

/** The auth layer's lines in the render summary. */
export const setupSummary = (domain: string, allowedUsers: readonly string[] | undefined): string[] => [
  `The one manual step, once: open ${authUrls(domain).pocketIdSetup} and register the admin's passkey.`,
  `Allowed users: ${allowedUsers && allowedUsers.length > 0 ? allowedUsers.join(", ") : "every Pocket ID user"}`,
];

/** The keys of the hand-made client, still accepted for one release; undefined when none is set. */
export const deprecatedClientNotice = (keys: readonly string[]): string | undefined =>
  keys.length === 0
    ? undefined
    : [
        `Deprecated: ${keys.join(" and ")} are ignored and will be refused in the next release.`,
        "Tinyauth's OIDC client is now created by the deploy (client homelab-auth-tinyauth in Pocket ID) and",
        "its credentials reach Tinyauth as a Secret. From programs/auth, remove the old keys:",
        ...keys.map((key) => `  pulumi config rm ${key}`),
        'and delete the hand-made "Tinyauth" client in Pocket ID\'s admin UI (OIDC Clients).',
      ].join("\n");
