/**
 * The whole auth layer as plain data: which objects exist, in which order, which are protected,
 * and what the layer exports. Pocket ID and Tinyauth are apps (apps.ts) rendered by the app
 * renderer; this file adds the middlewares and the protected UIs of earlier layers. Pure: the
 * program only turns the plan into Pulumi resources.
 */

import type { Result } from "neverthrow";
import { oidcClientOf } from "../../app/oidc.ts";
import { renderPlatformApps } from "../../app/platform.ts";
import type { RenderContext } from "../../app/render.ts";
import { names } from "../../app/renderNames.ts";
import type { AuthContract, NetworkContract, StorageContract } from "../../core/contracts.ts";
import { type PlannedObject, plannedObject } from "../../core/plan.ts";
import type { Problem } from "../../core/problem.ts";
import { ingressObject } from "../../k8s/ingress.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { deploymentId } from "../../k8s/workload.ts";
import {
  type DesiredClient,
  type OidcStepOptions,
  oidcClientStep,
  readersWaitFor,
} from "../../oidc/reconcile.ts";
import {
  authAppSecrets,
  POCKET_ID_APP,
  POCKET_ID_IN_CLUSTER,
  pocketIdApp,
  TINYAUTH_APP,
  tinyauthApp,
} from "./apps.ts";
import type { AuthConfig } from "./config.ts";
import {
  dashboardIngressRoute,
  forwardAuthAddress,
  forwardAuthMiddleware,
  lanOnlyMiddleware,
  middlewareReference,
} from "./objects.ts";
import { authHosts, authUrls } from "./urls.ts";

const MIDDLEWARE_NAME = "forward-auth";
const LAN_ONLY_MIDDLEWARE = "lan-only";
/** Port the Longhorn UI and Pi-hole web Services listen on (contract docs). */
const UI_SERVICE_PORT = 80;
/** Tinyauth's Service port (every app's Service serves `http` on it). */
const TINYAUTH_SERVICE_PORT = 80;

export interface AuthPlan {
  /** Every object, in order; the shared edge creates them (lib/pulumi/createPlan.ts). */
  objects: PlannedObject[];
  exports: AuthContract;
  /** What the OIDC client step keeps in Pocket ID (for the summary). */
  step: OidcStepOptions;
}

export interface AuthPlanInput {
  config: AuthConfig;
  network: NetworkContract;
  storage: StorageContract;
}

const tinyauthNamespaceId = namespaceId(TINYAUTH_APP);
const tinyauthId = deploymentId(TINYAUTH_APP, TINYAUTH_APP);
const forwardAuthAddressOf = () => forwardAuthAddress(TINYAUTH_APP, TINYAUTH_APP, TINYAUTH_SERVICE_PORT);

/** Until Tinyauth runs, Traefik cannot reach this address and answers 500: fail closed. */
const mainMiddleware = (): PlannedObject =>
  plannedObject(forwardAuthMiddleware(MIDDLEWARE_NAME, TINYAUTH_APP, forwardAuthAddressOf()), [
    tinyauthNamespaceId,
  ]);

/** Infrastructure UIs of earlier layers, on the private class, each behind the middleware. */
const uiIngress = (
  network: NetworkContract,
  ui: { name: string; namespace: string; host: string; service: string },
) =>
  ingressObject({
    metadata: {
      name: ui.name,
      namespace: ui.namespace,
      labels: layerLabels("auth"),
    },
    host: ui.host,
    ingressClass: network.privateIngressClass,
    service: ui.service,
    servicePort: UI_SERVICE_PORT,
    middleware: middlewareReference(TINYAUTH_APP, MIDDLEWARE_NAME),
  });

interface Dashboard {
  namespace: string;
  host: string;
  ingressClass: string;
  ingressIp: string;
  /** The public Traefik's dashboard: an IP allow-list keeps it off the internet. */
  lanOnly: boolean;
}

const dashboards = (network: NetworkContract): Dashboard[] => {
  const hosts = authHosts(network.domain);
  return [
    {
      namespace: network.privateTraefikNamespace,
      host: hosts.traefikPrivate,
      ingressClass: network.privateIngressClass,
      ingressIp: network.privateIngressIp,
      lanOnly: false,
    },
    // The public Traefik's api@internal exists only inside the public Traefik, so its dashboard
    // route must be served by that instance; an IP allow-list keeps it off the internet all the same.
    {
      namespace: network.publicTraefikNamespace,
      host: hosts.traefikPublic,
      ingressClass: network.publicIngressClass,
      ingressIp: network.publicIngressIp,
      lanOnly: true,
    },
  ];
};

const dashboardObjects = (network: NetworkContract, dashboard: Dashboard): PlannedObject[] => {
  // IngressRoutes may not reference a Middleware in another namespace unless the chart sets
  // allowCrossNamespace, so each Traefik namespace gets its own copy of the same forwardAuth.
  const forwardAuth = plannedObject(
    forwardAuthMiddleware(MIDDLEWARE_NAME, dashboard.namespace, forwardAuthAddressOf()),
    [tinyauthId],
  );
  const lanOnly = dashboard.lanOnly
    ? [plannedObject(lanOnlyMiddleware(LAN_ONLY_MIDDLEWARE, dashboard.namespace), [])]
    : [];
  const route = dashboardIngressRoute({
    name: "traefik-dashboard",
    namespace: dashboard.namespace,
    host: dashboard.host,
    ingressClass: dashboard.ingressClass,
    // The IP check first: outside the LAN there is not even a login page.
    middlewares: dashboard.lanOnly ? [LAN_ONLY_MIDDLEWARE, MIDDLEWARE_NAME] : [MIDDLEWARE_NAME],
    lanDns: { annotationPrefix: network.lanDnsAnnotationPrefix, target: dashboard.ingressIp },
  });
  return [forwardAuth, ...lanOnly, plannedObject(route, [forwardAuth.id, ...lanOnly.map((item) => item.id)])];
};

const protectedUis = ({ network, storage }: AuthPlanInput): PlannedObject[] => {
  const after = [mainMiddleware().id, tinyauthId];
  return [
    plannedObject(
      uiIngress(network, {
        name: "longhorn-ui",
        namespace: storage.longhornNamespace,
        host: authHosts(network.domain).longhorn,
        service: storage.longhornUiService,
      }),
      after,
    ),
    plannedObject(
      uiIngress(network, {
        name: "pihole-admin",
        namespace: network.piholeNamespace,
        host: network.piholeHost,
        service: network.piholeWebService,
      }),
      after,
    ),
    ...dashboards(network).flatMap((dashboard) => dashboardObjects(network, dashboard)),
  ];
};

/** The auth contract: what apps need to put themselves behind the login, and the hosts reserved for UIs. */
const authExports = (network: NetworkContract): AuthContract => {
  const urls = authUrls(network.domain);
  const hosts = authHosts(network.domain);
  const middleware = middlewareReference(TINYAUTH_APP, MIDDLEWARE_NAME);
  return {
    // Middlewares are not filtered by ingress class: one object serves both classes.
    publicAuthMiddleware: middleware,
    privateAuthMiddleware: middleware,
    pocketIdIssuerUrl: urls.pocketId,
    tinyauthUrl: urls.tinyauth,
    uiHosts: [hosts.longhorn, network.piholeHost, hosts.traefikPrivate, hosts.traefikPublic],
    pocketIdNamespace: POCKET_ID_APP,
    pocketIdInternalUrl: POCKET_ID_IN_CLUSTER,
    pocketIdApiKeySecret: names(pocketIdApp(network.domain)).secret,
  };
};

/** The OIDC client step of the auth layer: Tinyauth's client and the configured groups. */
const authStep = (config: AuthConfig, exports: AuthContract, clients: DesiredClient[]): OidcStepOptions => ({
  layer: "auth",
  namespace: exports.pocketIdNamespace,
  pocketIdUrl: exports.pocketIdInternalUrl,
  apiKeySecret: exports.pocketIdApiKeySecret,
  groups: (config.pocketIdGroups ?? []).map((name) => ({ name, friendlyName: name })),
  clients,
  after: [namespaceId(POCKET_ID_APP), deploymentId(POCKET_ID_APP, POCKET_ID_APP)],
});

/**
 * Pocket ID, then the step that makes Tinyauth's OIDC client (and writes its Secret), then Tinyauth
 * and the UIs behind it: one deploy, and the only manual step left is the admin's passkey.
 */
export const authPlan = (input: AuthPlanInput): Result<AuthPlan, Problem[]> => {
  const { config, network, storage } = input;
  const exports = authExports(network);
  const context: RenderContext = { network, storage, auth: exports, layer: "auth" };
  const secrets = { known: true as const, values: authAppSecrets(config) };
  const apps = [
    pocketIdApp(network.domain),
    tinyauthApp(network.domain, {
      allowedUsers: config.tinyauthAllowedUsers,
      analytics: config.tinyauthAnalytics,
    }),
  ];
  const clients = apps.flatMap((spec) => oidcClientOf(spec, context) ?? []);
  const options = authStep(config, exports, clients);
  return renderPlatformApps(apps, context, secrets).map((objects) => {
    const step = oidcClientStep(options);
    return {
      objects: [
        ...readersWaitFor(objects, step, clients),
        ...step.objects,
        mainMiddleware(),
        ...protectedUis(input),
      ],
      exports,
      step: options,
    };
  });
};
