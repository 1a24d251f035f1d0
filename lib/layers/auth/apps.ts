/**
 * Pocket ID and Tinyauth, written as apps with the builders every user app uses (lib/app), and
 * rendered by the same renderer. What only they need became public builders too.
 */
import { createHmac } from "node:crypto";
import {
  type AppSpec,
  app,
  pipe,
  withClusterReadAccess,
  withEnv,
  withLonghornVolume,
  withOidc,
  withPrivateIngress,
  withProbes,
  withPublicIngress,
  withReadOnlyRootFilesystem,
  withResources,
  withSecretEnv,
} from "../../app/index.ts";
import { APP_SERVICE_PORT } from "../../app/renderRoutes.ts";
import type { AppSecretValues } from "../../app/secrets.ts";
import { deriveSecret, type Secret } from "../../config/secret.ts";
import { API_KEY_SECRET_KEY } from "../../oidc/reconcile.ts";
import type { AuthConfig } from "./config.ts";
import { clusterUrl } from "./objects.ts";
import { AUTH_SUBDOMAINS, authUrls, POCKET_ID_PATHS, POCKET_ID_PROVIDER } from "./urls.ts";
import { POCKET_ID, TINYAUTH } from "./versions.ts";

export const POCKET_ID_APP = "pocket-id";
export const TINYAUTH_APP = "tinyauth";
/** Non-root uid/gid; both images start fine as any uid (components.md sections 9 and 10). */
const APP_UID = 1000;

/** Both serve their login pages on both classes, so apps on either class can send users there. */
const bothClasses = (subdomain: string, why: string) => [
  withPrivateIngress({ subdomain }),
  withPublicIngress({ subdomain, noAuth: why }),
];

export const pocketIdApp = (domain: string): AppSpec =>
  pipe(
    app(POCKET_ID_APP, { image: POCKET_ID.image, port: POCKET_ID.port, user: APP_UID }),
    // SQLite allows one writer: one replica, and the ReadWriteOnce volume makes it Recreate.
    withLonghornVolume({ name: "data", mountPath: "/app/data", size: "1Gi" }),
    // Only Traefik reaches the pod; trust its X-Forwarded-* for client IPs and scheme.
    withEnv({ APP_URL: authUrls(domain).pocketId, TRUST_PROXY: "true" }),
    // STATIC_API_KEY (backend/internal/common/env_config.go, 16+ characters): requests carrying it in
    // X-API-Key act as an admin (backend/internal/apikey/service.go); the OIDC client step uses it.
    withSecretEnv({ ENCRYPTION_KEY: "encryption-key", STATIC_API_KEY: API_KEY_SECRET_KEY }),
    // GET /healthz answers 204 in v2.14.0 (backend/internal/controller/healthz_controller.go).
    withProbes({ path: "/healthz" }),
    withResources({ requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } }),
    withReadOnlyRootFilesystem(),
    ...bothClasses(
      AUTH_SUBDOMAINS.pocketId,
      "the identity provider itself: behind auth it would be a login loop",
    ),
  );

/** Pocket ID inside the cluster (its Service), for Tinyauth's token exchange and the OIDC steps. */
export const POCKET_ID_IN_CLUSTER = clusterUrl(POCKET_ID_APP, POCKET_ID_APP, APP_SERVICE_PORT);

/** What the auth config decides about Tinyauth. */
export interface TinyauthOptions {
  /** Pocket ID users' emails let in; undefined lets every user in. */
  allowedUsers: readonly string[] | undefined;
  /** Tinyauth's heartbeat to its authors (`tinyauth_analytics`); off unless the operator turns it on. */
  analytics: boolean;
}

/** Tinyauth v5's settings, derived from the domain; the client credentials come from the step's Secret. */
const tinyauthEnv = (domain: string, { allowedUsers, analytics }: TinyauthOptions) => {
  const urls = authUrls(domain);
  const pocketIdInCluster = POCKET_ID_IN_CLUSTER;
  const provider = `TINYAUTH_OAUTH_PROVIDERS_${POCKET_ID_PROVIDER.toUpperCase()}`;
  return {
    plain: {
      TINYAUTH_APPURL: urls.tinyauth,
      TINYAUTH_AUTH_SECURECOOKIE: "true",
      // Sessions and OIDC keys on the data volume, whatever the image's defaults.
      TINYAUTH_DATABASE_PATH: "/data/tinyauth.db",
      // Per-app access rules (`tinyauth.apps.<app>.*` Ingress annotations, written by `withAuth`).
      TINYAUTH_LABELPROVIDER: "kubernetes",
      [`${provider}_AUTHURL`]: urls.authorize,
      // Server-side calls stay inside the cluster, so login needs no NAT hairpin on the router.
      // Tinyauth v5.1.3 does plain OAuth here (no discovery, no issuer check), and Pocket ID v2.14.0
      // takes the issuer from APP_URL, not from the request's host.
      [`${provider}_TOKENURL`]: `${pocketIdInCluster}${POCKET_ID_PATHS.token}`,
      [`${provider}_USERINFOURL`]: `${pocketIdInCluster}${POCKET_ID_PATHS.userinfo}`,
      [`${provider}_SCOPES`]: "openid email profile groups",
      [`${provider}_NAME`]: "Pocket ID",
      TINYAUTH_OAUTH_AUTOREDIRECT: POCKET_ID_PROVIDER,
      // On by default in v5.1.3 (internal/model/config.go, `Analytics.Enabled: true`): every 12 h
      // it POSTs its version and a UUID derived from APP_URL's host to api.tinyauth.app
      // (internal/bootstrap/app_bootstrap.go). Env names are TINYAUTH_ + the config path.
      TINYAUTH_ANALYTICS_ENABLED: String(analytics),
      ...(allowedUsers !== undefined && allowedUsers.length > 0
        ? { TINYAUTH_OAUTH_WHITELIST: allowedUsers.join(",") }
        : {}),
    },
    oidc: { clientId: `${provider}_CLIENTID`, clientSecret: `${provider}_CLIENTSECRET` },
  };
};

export const tinyauthApp = (domain: string, options: TinyauthOptions): AppSpec => {
  const env = tinyauthEnv(domain, options);
  return pipe(
    app(TINYAUTH_APP, { image: TINYAUTH.image, port: TINYAUTH.port, user: APP_UID }),
    withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),
    withEnv(env.plain),
    // Its client in Pocket ID is made by the layer's OIDC client step; the callback is
    // <APPURL>/api/oauth/callback/<provider> (components.md section 12).
    withOidc({ callbackPath: `/api/oauth/callback/${POCKET_ID_PROVIDER}`, env: env.oidc }),
    // Tinyauth finds the per-app access rules on Ingresses in every namespace.
    withClusterReadAccess([{ apiGroups: ["networking.k8s.io"], resources: ["ingresses"] }]),
    // GET /api/healthz answers 200 in v5.1.3 (internal/controller/health_controller.go).
    withProbes({ path: "/api/healthz" }),
    withResources({ requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } }),
    withReadOnlyRootFilesystem(),
    ...bothClasses(AUTH_SUBDOMAINS.tinyauth, "the login page: apps on the public class send users here"),
  );
};

/**
 * The key the OIDC client step authenticates with: the configured one, or one derived from the
 * encryption key (HMAC-SHA256, hex: 64 characters), so an existing stack needs no new config and the
 * API key reveals nothing of the encryption key.
 */
const staticApiKey = (config: AuthConfig): Secret =>
  config.pocketIdStaticApiKey ??
  deriveSecret(config.pocketIdEncryptionKey, (key) =>
    createHmac("sha256", key).update("pocket-id static api key").digest("hex"),
  );

/** The auth layer's config secrets, under the app and key each app reads them by. */
export const authAppSecrets = (config: AuthConfig): AppSecretValues => ({
  [POCKET_ID_APP]: {
    "encryption-key": config.pocketIdEncryptionKey,
    [API_KEY_SECRET_KEY]: staticApiKey(config),
  },
});
