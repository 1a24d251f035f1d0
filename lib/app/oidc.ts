/**
 * Native single sign-on for an app: `withOidc` declares the app's OIDC client in Pocket ID; the
 * layer's OIDC client step (lib/oidc) creates it and writes its credentials into the Secret
 * `<app>-oidc`, which the app's env reads. The issuer is Pocket ID's public URL (its APP_URL,
 * which Pocket ID v2.14.0 uses as the issuer of its tokens and discovery document).
 */
import type * as input from "@pulumi/kubernetes/types/input";
import { clientIdPrefix, type DesiredClient, SECRET_KEYS } from "../oidc/reconcile.ts";
import { once } from "./builders.ts";
import { hostOf, names, type RenderContext } from "./renderNames.ts";
import { type AppBuilder, type AppSpec, namespaceOf, update } from "./spec.ts";

/** Native single sign-on (`withOidc`): the app's own OIDC client in Pocket ID. */
export interface OidcSpec {
  /** Path of the app's OIDC callback; registered on every host the app serves. */
  readonly callbackPath: string;
  /** The variables the app reads its client id, secret, issuer and redirect URL from. */
  readonly env: {
    readonly clientId: string;
    readonly clientSecret: string;
    issuer?: string;
    redirectUrl?: string;
  };
  /** Pocket ID groups allowed to log in to the app; empty lets every Pocket ID user in. */
  readonly groups: readonly string[];
}

export interface OidcOptions {
  /** The app's callback path, e.g. `/oauth2/oidc/callback`: registered on every host the app serves. */
  callbackPath: string;
  /** The variables the app reads: client id and secret (from the Secret), issuer and redirect URL (plain). */
  env: { clientId: string; clientSecret: string; issuer?: string; redirectUrl?: string };
  /** Pocket ID groups allowed to log in (created by the deploy); unset lets every Pocket ID user in. */
  groups?: readonly string[];
}

/**
 * Gives the app its own OIDC client in Pocket ID, created on deploy with the app's callback URL on
 * each of its hosts; the client id and secret reach the pod through a Secret, the issuer is
 * Pocket ID's public URL, and `redirectUrl` (when named) the callback on the app's first host.
 * @example
 * ```ts
 * pipe(
 *   app("miniflux", { image: "miniflux/miniflux:2.2.19", port: 8080, user: 65534 }),
 *   withPrivateIngress({ subdomain: "rss" }),
 *   withEnv({ OAUTH2_PROVIDER: "oidc", OAUTH2_USER_CREATION: "1" }),
 *   withOidc({
 *     callbackPath: "/oauth2/oidc/callback",
 *     env: {
 *       clientId: "OAUTH2_CLIENT_ID",
 *       clientSecret: "OAUTH2_CLIENT_SECRET",
 *       issuer: "OAUTH2_OIDC_DISCOVERY_ENDPOINT",
 *       redirectUrl: "OAUTH2_REDIRECT_URL",
 *     },
 *     groups: ["family"],
 *   }),
 * )
 * ```
 */
export const withOidc = (options: OidcOptions): AppBuilder =>
  once("withOidc", "oidc", (spec) =>
    update(spec, {
      oidc: {
        callbackPath: options.callbackPath,
        env: { ...options.env },
        groups: [...(options.groups ?? [])],
      },
    }),
  );

/** The app's hosts, each once, in the order of its exposures. */
const hostsOf = (spec: AppSpec, context: RenderContext): string[] => [
  ...new Set(spec.exposures.map((exposure) => hostOf(exposure, context.network))),
];

/** The callback URL on each host the app serves. */
const callbackUrls = (spec: AppSpec, oidc: OidcSpec, context: RenderContext): string[] =>
  hostsOf(spec, context).map((host) => `https://${host}${oidc.callbackPath}`);

/** The client the layer's step keeps in Pocket ID for the app (undefined without `withOidc`). */
export const oidcClientOf = (spec: AppSpec, context: RenderContext): DesiredClient | undefined => {
  const oidc = spec.oidc;
  if (oidc === undefined) return undefined;
  return {
    id: `${clientIdPrefix(context.layer ?? "apps")}${spec.name}`,
    name: spec.name,
    callbackUrls: callbackUrls(spec, oidc, context),
    launchUrl: `https://${hostsOf(spec, context)[0] ?? ""}`,
    groups: [...oidc.groups],
    secret: { namespace: namespaceOf(spec), name: names(spec).oidcSecret },
  };
};

/** The app's OIDC variables: id and secret from the step's Secret, issuer and redirect URL plain. */
export const oidcEnv = (spec: AppSpec, context: RenderContext): input.core.v1.EnvVar[] => {
  const oidc = spec.oidc;
  if (oidc === undefined) return [];
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: names(spec).oidcSecret, key } },
  });
  const [redirect] = callbackUrls(spec, oidc, context);
  return [
    fromSecret(oidc.env.clientId, SECRET_KEYS.clientId),
    fromSecret(oidc.env.clientSecret, SECRET_KEYS.clientSecret),
    ...(oidc.env.issuer === undefined || context.auth === undefined
      ? []
      : [{ name: oidc.env.issuer, value: context.auth.pocketIdIssuerUrl }]),
    ...(oidc.env.redirectUrl === undefined || redirect === undefined
      ? []
      : [{ name: oidc.env.redirectUrl, value: redirect }]),
  ];
};

/** Every env var name `withOidc` sets (for the duplicate check). */
export const oidcEnvNames = (spec: AppSpec): string[] =>
  spec.oidc === undefined ? [] : Object.values(spec.oidc.env).filter((name) => name !== undefined);

/** The Secret the step writes for the app: where and which keys (the reference check reads it). */
export const oidcSecretOf = (spec: AppSpec): { namespace: string; name: string; keys: string[] }[] =>
  spec.oidc === undefined
    ? []
    : [
        {
          namespace: namespaceOf(spec),
          name: names(spec).oidcSecret,
          keys: [SECRET_KEYS.clientId, SECRET_KEYS.clientSecret],
        },
      ];
