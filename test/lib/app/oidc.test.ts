/** withOidc: the client the step keeps for an app, and the env the app reads it by. */
import { describe, expect, test } from "bun:test";
import {
  app,
  pipe,
  withAuth,
  withOidc,
  withPrivateIngress,
  withPublicIngress,
} from "../../../lib/app/index.ts";
import { oidcClientOf, oidcEnv, oidcSecretOf } from "../../../lib/app/oidc.ts";
import { renderApp } from "../../../lib/app/render.ts";
import { NO_APP_SECRETS } from "../../../lib/app/secrets.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { CONTRACTS } from "../../support/apps.ts";

const ENV = {
  clientId: "OAUTH2_CLIENT_ID",
  clientSecret: "OAUTH2_CLIENT_SECRET",
  issuer: "OAUTH2_OIDC_DISCOVERY_ENDPOINT",
  redirectUrl: "OAUTH2_REDIRECT_URL",
};
const context = { ...CONTRACTS, layer: "apps" as const };
const reader = (...more: ReturnType<typeof withOidc>[]) =>
  pipe(
    app("reader", { image: "miniflux/miniflux:2.2.19", port: 8080 }),
    withPrivateIngress({ subdomain: "rss" }),
    withPublicIngress({ subdomain: "news" }),
    withAuth(),
    withOidc({ callbackPath: "/oauth2/oidc/callback", env: ENV, groups: ["family"] }),
    ...more,
  );

describe("withOidc", () => {
  test("the client: owned by the layer, a callback on every host the app serves, its groups, its Secret", () => {
    expect(oidcClientOf(reader(), context)).toEqual({
      id: "homelab-apps-reader",
      name: "reader",
      callbackUrls: [
        "https://rss.example.com/oauth2/oidc/callback",
        "https://news.example.com/oauth2/oidc/callback",
      ],
      launchUrl: "https://rss.example.com",
      groups: ["family"],
      secret: { namespace: "reader", name: "reader-oidc" },
    });
    expect(oidcClientOf(reader(), { ...context, layer: "auth" })?.id).toBe("homelab-auth-reader");
  });

  test("id and secret come from the step's Secret; issuer and redirect URL are plain", () => {
    expect(oidcEnv(reader(), context)).toEqual([
      { name: "OAUTH2_CLIENT_ID", valueFrom: { secretKeyRef: { name: "reader-oidc", key: "client-id" } } },
      {
        name: "OAUTH2_CLIENT_SECRET",
        valueFrom: { secretKeyRef: { name: "reader-oidc", key: "client-secret" } },
      },
      { name: "OAUTH2_OIDC_DISCOVERY_ENDPOINT", value: "https://pocketid.example.com" },
      { name: "OAUTH2_REDIRECT_URL", value: "https://rss.example.com/oauth2/oidc/callback" },
    ]);
    expect(oidcSecretOf(reader())).toEqual([
      { namespace: "reader", name: "reader-oidc", keys: ["client-id", "client-secret"] },
    ]);
  });

  test("the rendered Deployment reads them, and no Secret object of the app carries them", () => {
    const objects = renderApp(reader(), context, NO_APP_SECRETS)._unsafeUnwrap();
    const deployment = objects.find((item) => item.object.kind === "Deployment")?.object as unknown as {
      spec: { template: { spec: { containers: { env: { name: string }[] }[] } } };
    };
    expect(deployment.spec.template.spec.containers[0]?.env.map((e) => e.name)).toEqual(Object.values(ENV));
    expect(objects.filter((item) => item.object.kind === "Secret")).toEqual([]);
  });

  test("needs the auth contract, an ingress, a plain callback path, group names, each variable once", () => {
    const { auth: _, ...noAuth } = context;
    expect(
      renderApp(
        pipe(app("x", { image: "a/b:1", port: 80 }), withOidc({ callbackPath: "/cb", env: ENV })),
        noAuth,
        NO_APP_SECRETS,
      )
        ._unsafeUnwrapErr()
        .map((p) => `${p.where.part}: ${p.what}`),
    ).toEqual(["withOidc: needs the auth contract, which this layer cannot read"]);
    const broken = pipe(
      app("x", { image: "a/b:1", port: 80 }),
      withOidc({
        callbackPath: "/cb/*",
        env: { ...ENV, redirectUrl: "OAUTH2_CLIENT_ID" },
        groups: ["the family", "ok", "ok"],
      }),
    );
    expect(validateApp(broken).map((p) => `${p.where.part}: ${p.what}`)).toEqual([
      "withOidc: the app has no ingress: its callback URL would have no host",
      'withOidc: callbackPath "/cb/*" is not a plain path',
      'withOidc: group "the family" is not a Pocket ID group name',
      "withOidc: groups lists ok twice",
      "env OAUTH2_CLIENT_ID: is set more than once (withEnv, withSecretEnv, withPostgres or withOidc)",
    ]);
    expect(validateApp(reader(withOidc({ callbackPath: "/cb", env: ENV }))).map((p) => p.what)).toEqual([
      "withOidc is applied more than once",
    ]);
  });
});
