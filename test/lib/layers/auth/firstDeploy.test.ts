/**
 * The first deploy: no OAuth client for Tinyauth yet. Pocket ID still comes up, nothing is exposed
 * without a login, and the program says exactly what to do next.
 */

import { beforeAll, describe, expect, test } from "bun:test";
import type { AuthConfig } from "../../../../lib/layers/auth/config.ts";
import { authLayer } from "../../../../lib/layers/auth/layer.ts";
import { authPlan } from "../../../../lib/layers/auth/plan.ts";
import { firstDeploySteps } from "../../../../lib/layers/auth/setup.ts";
import { authUrls } from "../../../../lib/layers/auth/urls.ts";
import type { KubernetesObject } from "../../../../lib/render/documents.ts";
import { parseConfig } from "../../../../programs/layers.ts";
import {
  type AuthRun,
  exampleAuthConfig,
  OTHER_NETWORK,
  OTHER_STORAGE,
  runAuth,
} from "../../../support/auth.ts";
import { validateObject } from "../../../support/kubernetesModels.ts";
import { TEST_RUN } from "../../../support/render.ts";

/** The layer's summary on `config`, under the domain home.example.net. */
const summaryOf = (config: AuthConfig): string[] =>
  authLayer
    .evaluate(
      config,
      { network: { ...OTHER_NETWORK, domain: "home.example.net" }, storage: OTHER_STORAGE },
      TEST_RUN,
    )
    ._unsafeUnwrap().summary;

const FIRST_DEPLOY = { tinyauth_oauth_client_id: undefined, tinyauth_oauth_client_secret: undefined };
const DOMAIN = OTHER_NETWORK.domain;

const names = (objects: KubernetesObject[]) =>
  objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();

describe("first deploy, before Tinyauth's OAuth client exists", () => {
  let run: AuthRun;
  let warnings: string[];
  beforeAll(async () => {
    run = await runAuth(exampleAuthConfig(FIRST_DEPLOY));
    warnings = run.notices;
  });

  test("deploys Pocket ID completely, and only Tinyauth's namespace, volume and middleware", () => {
    expect(names(run.objects)).toEqual(
      [
        "Namespace /pocket-id",
        "Namespace /tinyauth",
        "Secret pocket-id/pocket-id-secrets",
        "PersistentVolumeClaim pocket-id/pocket-id-data",
        "PersistentVolumeClaim tinyauth/tinyauth-data",
        "Deployment pocket-id/pocket-id",
        "Service pocket-id/pocket-id",
        "Ingress pocket-id/pocket-id-public",
        "Ingress pocket-id/pocket-id-private",
        "Middleware tinyauth/forward-auth",
      ].sort(),
    );
    const claims = run.documents.kubernetes.filter(({ body }) => body.kind === "PersistentVolumeClaim");
    expect(claims.length).toBeGreaterThan(0);
    for (const { resource } of claims)
      expect([resource.protect, resource.retainOnDelete]).toEqual([true, true]);
  });

  test("no UI is exposed: every route that is not Pocket ID waits for working auth", () => {
    const routes = run.objects.filter((o) => o.kind === "Ingress" || o.kind === "IngressRoute");
    expect(routes.every((o) => o.metadata.namespace === "pocket-id")).toBe(true);
  });

  test("the contract is still exported (the middleware exists and fails closed until Tinyauth runs)", () => {
    expect(run.outputs).toEqual({
      publicAuthMiddleware: "tinyauth-forward-auth@kubernetescrd",
      privateAuthMiddleware: "tinyauth-forward-auth@kubernetescrd",
      pocketIdIssuerUrl: `https://pocketid.${DOMAIN}`,
      tinyauthUrl: `https://auth.${DOMAIN}`,
      // Reserved for the UIs already, so no app takes a host they will need.
      uiHosts: [`longhorn.${DOMAIN}`, `pihole.${DOMAIN}`, `traefik.${DOMAIN}`, `traefik-public.${DOMAIN}`],
      tinyauthStatus: "waiting for tinyauth_oauth_client_id/secret",
    });
  });

  test("the deploy warns with the setup URL, the callback URL and both config commands", () => {
    const text = warnings.join("\n");
    expect(text).toContain(`https://pocketid.${DOMAIN}/setup`);
    expect(text).toContain(`https://auth.${DOMAIN}/api/oauth/callback/pocketid`);
    expect(text).toContain("pulumi config set --secret tinyauth_oauth_client_id <client id>");
    expect(text).toContain("pulumi config set --secret tinyauth_oauth_client_secret <client secret>");
    expect(text).toContain("programs/auth");
  });

  test("every object validates", async () => {
    expect(run.objects.length).toBeGreaterThan(0);
    for (const object of run.objects) expect((await validateObject(object)).status).toBe("valid");
  });

  test("the render summary prints the same steps, with the configured domain", () => {
    const config = parseConfig("auth", exampleAuthConfig(FIRST_DEPLOY))._unsafeUnwrap();
    const lines = summaryOf(config);
    expect(lines).toEqual(firstDeploySteps("home.example.net"));
    expect(lines.join("\n")).toContain("https://pocketid.home.example.net/setup");
    expect(lines.join("\n")).toContain("https://auth.home.example.net/api/oauth/callback/pocketid");
    expect(lines.join("\n")).toContain("pulumi config set --secret tinyauth_oauth_client_secret");
  });
});

describe("configured", () => {
  test("no warning, and the summary reports the client and the allow-list", async () => {
    expect((await runAuth(exampleAuthConfig())).notices).toEqual([]);
    const config = parseConfig(
      "auth",
      exampleAuthConfig({ tinyauth_allowed_users: "a@x.org,b@x.org" }),
    )._unsafeUnwrap();
    expect(summaryOf(config)).toEqual([
      "Tinyauth OAuth client: configured (provider pocketid, auto-redirect to Pocket ID)",
      "Allowed users: a@x.org, b@x.org",
    ]);
  });

  test("only one of the two client keys is a config error naming the missing one", () => {
    const result = parseConfig("auth", exampleAuthConfig({ tinyauth_oauth_client_secret: undefined }));
    expect(result.isErr()).toBe(true);
    expect(result._unsafeUnwrapErr().map((e) => e.where.key)).toEqual(["tinyauth_oauth_client_secret"]);
  });
});

describe("pure pieces", () => {
  test("every URL comes from the domain", () => {
    expect(authUrls("lab.example.org")).toEqual({
      pocketId: "https://pocketid.lab.example.org",
      pocketIdSetup: "https://pocketid.lab.example.org/setup",
      authorize: "https://pocketid.lab.example.org/authorize",
      tinyauth: "https://auth.lab.example.org",
      tinyauthCallback: "https://auth.lab.example.org/api/oauth/callback/pocketid",
    });
  });

  test("the plan's order only names earlier objects, in both modes", () => {
    for (const changes of [{}, FIRST_DEPLOY]) {
      const config = parseConfig("auth", exampleAuthConfig(changes))._unsafeUnwrap();
      const plan = authPlan({ config, network: OTHER_NETWORK, storage: OTHER_STORAGE })._unsafeUnwrap();
      const seen = new Set<string>();
      expect(plan.objects.length).toBeGreaterThan(0);
      expect(plan.objects.some((planned) => planned.after.length > 0)).toBe(true);
      for (const planned of plan.objects) {
        for (const name of planned.after)
          expect(seen.has(name) ? name : `${planned.id} before ${name}`).toBe(name);
        expect(seen.has(planned.id)).toBe(false);
        seen.add(planned.id);
      }
    }
  });
});
