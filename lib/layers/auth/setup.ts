/**
 * The first-deploy walk-through: what to do in Pocket ID, and the two config commands that let
 * Tinyauth (and the protected UIs behind it) come up on the next deploy.
 */
import { authUrls } from "./urls.ts";

/** The exact next steps, with every URL derived from `domain`. */
export const firstDeploySteps = (domain: string): string[] => {
  const urls = authUrls(domain);
  return [
    "Tinyauth's OAuth client is not configured yet: Pocket ID is deployed; Tinyauth and the protected UIs",
    "(Longhorn, Pi-hole admin, Traefik dashboards) are held back until it is, so nothing is exposed without a login.",
    `1. Open ${urls.pocketIdSetup} and create the Pocket ID admin account (passkey).`,
    `2. In Pocket ID add an OIDC client "Tinyauth" with callback URL ${urls.tinyauthCallback}`,
    "3. From programs/auth, store its credentials:",
    "     pulumi config set --secret tinyauth_oauth_client_id <client id>",
    "     pulumi config set --secret tinyauth_oauth_client_secret <client secret>",
    "4. Deploy the auth layer again: bun run deploy:auth",
  ];
};

/** The auth layer's lines in the render summary: the OAuth client's state, or the first-deploy steps. */
export const setupSummary = (
  configured: boolean,
  allowedUsers: readonly string[] | undefined,
  domain: string,
): string[] =>
  configured
    ? [
        "Tinyauth OAuth client: configured (provider pocketid, auto-redirect to Pocket ID)",
        `Allowed users: ${allowedUsers && allowedUsers.length > 0 ? allowedUsers.join(", ") : "every Pocket ID user"}`,
      ]
    : firstDeploySteps(domain);
