/**
 * Every hostname and URL of the auth layer, derived from the network layer's `domain` and nothing
 * else, so a second domain changes every one of them (the tests prove it).
 */

export interface AuthHosts {
  pocketId: string;
  tinyauth: string;
  longhorn: string;
  /** Dashboard of the private Traefik. */
  traefikPrivate: string;
  /** Dashboard of the public Traefik. */
  traefikPublic: string;
}

/** The subdomains of the login services themselves (their apps serve them). */
export const AUTH_SUBDOMAINS = { pocketId: "pocketid", tinyauth: "auth" } as const;

export const authHosts = (domain: string): AuthHosts => ({
  pocketId: `${AUTH_SUBDOMAINS.pocketId}.${domain}`,
  tinyauth: `${AUTH_SUBDOMAINS.tinyauth}.${domain}`,
  longhorn: `longhorn.${domain}`,
  traefikPrivate: `traefik.${domain}`,
  traefikPublic: `traefik-public.${domain}`,
});

/** Pocket ID v2 OIDC endpoints (components.md section 9). */
export const POCKET_ID_PATHS = {
  authorize: "/authorize",
  token: "/api/oidc/token",
  userinfo: "/api/oidc/userinfo",
} as const;

/** Tinyauth's id for the Pocket ID provider: it names the env vars and the callback path. */
export const POCKET_ID_PROVIDER = "pocketid";

export interface AuthUrls {
  /** Pocket ID's APP_URL, which is also its OIDC issuer. */
  pocketId: string;
  /** First-time setup page: creates Pocket ID's admin user. */
  pocketIdSetup: string;
  /** Pocket ID's login page: the browser goes here, so it is the public URL. */
  authorize: string;
  /** Tinyauth's TINYAUTH_APPURL. */
  tinyauth: string;
  /** The redirect URI to register on Tinyauth's OAuth client in Pocket ID. */
  tinyauthCallback: string;
}

export const authUrls = (domain: string): AuthUrls => {
  const hosts = authHosts(domain);
  const pocketId = `https://${hosts.pocketId}`;
  const tinyauth = `https://${hosts.tinyauth}`;
  return {
    pocketId,
    pocketIdSetup: `${pocketId}/setup`,
    authorize: `${pocketId}${POCKET_ID_PATHS.authorize}`,
    tinyauth,
    tinyauthCallback: `${tinyauth}/api/oauth/callback/${POCKET_ID_PROVIDER}`,
  };
};
