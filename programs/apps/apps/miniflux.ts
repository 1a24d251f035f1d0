import {
  type AppContracts,
  app,
  pipe,
  withAuth,
  withEnv,
  withOidc,
  withPostgres,
  withPrivateIngress,
  withProbes,
  withSecretEnv,
} from "../../../lib/app/index.ts";

/**
 * Miniflux, a feed reader on its own CloudNativePG database; the image runs as nobody (65534).
 * It logs in through Pocket ID itself (OAuth2 variables of miniflux 2.2.19: miniflux.1 and
 * internal/config/options.go; OAUTH2_OIDC_DISCOVERY_ENDPOINT is the issuer, internal/oauth2/oidc.go
 * hands it to go-oidc's NewProvider, which reads <issuer>/.well-known/openid-configuration).
 */
export default ({ network }: AppContracts) =>
  pipe(
    app("miniflux", { image: "miniflux/miniflux:2.2.19", port: 8080, user: 65534 }),
    withPostgres({ size: "5Gi", database: "miniflux", env: { url: "DATABASE_URL" } }),
    withEnv({
      LISTEN_ADDR: "0.0.0.0:8080",
      BASE_URL: `https://rss.${network.domain}`,
      RUN_MIGRATIONS: "1",
      CREATE_ADMIN: "1",
      ADMIN_USERNAME: "admin",
      OAUTH2_PROVIDER: "oidc",
      OAUTH2_OIDC_PROVIDER_NAME: "Pocket ID",
      // A Pocket ID user who logs in for the first time gets a Miniflux account.
      OAUTH2_USER_CREATION: "1",
    }),
    withSecretEnv({ ADMIN_PASSWORD: "admin_password" }),
    withOidc({
      callbackPath: "/oauth2/oidc/callback",
      env: {
        clientId: "OAUTH2_CLIENT_ID",
        clientSecret: "OAUTH2_CLIENT_SECRET",
        issuer: "OAUTH2_OIDC_DISCOVERY_ENDPOINT",
        redirectUrl: "OAUTH2_REDIRECT_URL",
      },
    }),
    withPrivateIngress({ subdomain: "rss" }),
    withAuth(),
    withProbes({ path: "/healthcheck" }),
  );
