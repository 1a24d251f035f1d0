import {
  type AppContracts,
  app,
  pipe,
  withAuth,
  withEnv,
  withPostgres,
  withPrivateIngress,
  withProbes,
  withSecretEnv,
} from "../../../lib/app/index.ts";

/** Miniflux, a feed reader on its own CloudNativePG database; the image runs as nobody (65534). */
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
    }),
    withSecretEnv({ ADMIN_PASSWORD: "admin_password" }),
    withPrivateIngress({ subdomain: "rss" }),
    withAuth(),
    withProbes({ path: "/healthcheck" }),
  );
