/**
 * The whole auth layer as plain data: which objects exist, in which order, which are protected,
 * and what the layer exports. Pure: the program only turns the plan into Pulumi resources.
 */

import type { Secret } from "../config/secret.ts";
import type { AuthContract, NetworkContract, StorageContract } from "../contracts.ts";
import { type PlannedObject, secretObject } from "../plan.ts";
import type { AuthConfig } from "./config.ts";
import {
  appLabels,
  clusterRoleBinding,
  clusterService,
  clusterUrl,
  dashboardIngressRoute,
  forwardAuthAddress,
  forwardAuthMiddleware,
  httpsIngress,
  ingressReaderRole,
  lanOnlyMiddleware,
  longhornVolumeClaim,
  middlewareReference,
  plainEnv,
  restrictedNamespace,
  secretEnv,
  serviceAccount,
  webAppDeployment,
} from "./objects.ts";
import { authHosts, authUrls, POCKET_ID_PATHS, POCKET_ID_PROVIDER } from "./urls.ts";
import { POCKET_ID, TINYAUTH } from "./versions.ts";

export const POCKET_ID_NAMESPACE = "pocket-id";
export const TINYAUTH_NAMESPACE = "tinyauth";
export const MIDDLEWARE_NAME = "forward-auth";
export const LAN_ONLY_MIDDLEWARE = "lan-only";
/** Port the Longhorn UI and Pi-hole web Services listen on (contract docs). */
const UI_SERVICE_PORT = 80;
/** Non-root uid/gid; both images start fine as any uid (components.md sections 9 and 10). */
const APP_UID = 1000;

export interface AuthPlan {
  /** False on the first deploy, before Tinyauth's OAuth client exists in Pocket ID. */
  tinyauthConfigured: boolean;
  /** Every object, in order; the shared edge creates them (lib/pulumi/createPlan.ts). */
  objects: PlannedObject[];
  exports: AuthContract;
}

export interface AuthPlanInput {
  config: AuthConfig;
  network: NetworkContract;
  storage: StorageContract;
}

interface OAuthClient {
  id: Secret;
  secret: Secret;
}

const oauthClient = (config: AuthConfig): OAuthClient | undefined =>
  config.tinyauthOauthClientId !== undefined && config.tinyauthOauthClientSecret !== undefined
    ? { id: config.tinyauthOauthClientId, secret: config.tinyauthOauthClientSecret }
    : undefined;

/** Ingresses for one service on both classes; the public one is published against the router's record. */
const bothClasses = (
  base: { name: string; namespace: string; host: string; service: string; servicePort: number },
  network: NetworkContract,
  after: string[],
): PlannedObject[] => [
  {
    id: `${base.name}-public`,
    object: httpsIngress({
      ...base,
      name: `${base.name}-public`,
      ingressClass: network.publicIngressClass,
      publishTarget: network.externalHostname,
      // The LAN reaches the host through the private ingress, like every host served on both.
      lanDns: { annotationPrefix: network.lanDnsAnnotationPrefix, target: network.privateIngressIp },
    }),
    after,
  },
  {
    id: `${base.name}-private`,
    object: httpsIngress({
      ...base,
      name: `${base.name}-private`,
      ingressClass: network.privateIngressClass,
    }),
    after,
  },
];

const pocketIdObjects = ({ config, network, storage }: AuthPlanInput): PlannedObject[] => {
  const namespace = POCKET_ID_NAMESPACE;
  const urls = authUrls(network.domain);
  const secretName = "pocket-id";
  const claim = "pocket-id-data";
  return [
    { id: "pocket-id-namespace", object: restrictedNamespace(namespace), after: [] },
    {
      id: "pocket-id-secret",
      object: secretObject(
        { name: secretName, namespace, labels: appLabels("pocket-id") },
        {
          "encryption-key": config.pocketIdEncryptionKey,
        },
      ),
      after: ["pocket-id-namespace"],
    },
    {
      stateful: true,
      id: "pocket-id-data",
      object: longhornVolumeClaim({
        name: claim,
        namespace,
        app: "pocket-id",
        storageClass: storage.longhornStorageClass,
        size: "1Gi",
        jobGroups: [storage.backupJobGroup, storage.trimJobGroup],
      }),
      after: ["pocket-id-namespace"],
    },
    {
      id: "pocket-id",
      object: webAppDeployment({
        name: "pocket-id",
        namespace,
        image: POCKET_ID.image,
        port: POCKET_ID.port,
        env: [
          plainEnv("APP_URL", urls.pocketId),
          // Only Traefik reaches the pod; trust its X-Forwarded-* for client IPs and scheme.
          plainEnv("TRUST_PROXY", "true"),
          secretEnv("ENCRYPTION_KEY", secretName, "encryption-key"),
        ],
        // GET /healthz answers 204 in v2.14.0 (backend/internal/controller/healthz_controller.go).
        healthPath: "/healthz",
        dataClaim: claim,
        dataPath: "/app/data",
        uid: APP_UID,
        resources: { cpu: "50m", memory: "128Mi", memoryLimit: "512Mi" },
      }),
      after: ["pocket-id-secret", "pocket-id-data"],
    },
    {
      id: "pocket-id-service",
      object: clusterService("pocket-id", namespace, POCKET_ID.port),
      after: ["pocket-id-namespace"],
    },
    // The identity provider itself is never behind the auth middleware: that would be a login loop.
    ...bothClasses(
      {
        name: "pocket-id",
        namespace,
        host: authHosts(network.domain).pocketId,
        service: "pocket-id",
        servicePort: POCKET_ID.port,
      },
      network,
      ["pocket-id-service"],
    ),
  ];
};

export const tinyauthEnv = (
  domain: string,
  allowedUsers: readonly string[] | undefined,
  secretName: string,
) => {
  const urls = authUrls(domain);
  const pocketIdInCluster = clusterUrl("pocket-id", POCKET_ID_NAMESPACE, POCKET_ID.port);
  const provider = `TINYAUTH_OAUTH_PROVIDERS_${POCKET_ID_PROVIDER.toUpperCase()}`;
  return [
    plainEnv("TINYAUTH_APPURL", urls.tinyauth),
    plainEnv("TINYAUTH_AUTH_SECURECOOKIE", "true"),
    // Sessions and OIDC keys on the data volume, whatever the image's defaults.
    plainEnv("TINYAUTH_DATABASE_PATH", "/data/tinyauth.db"),
    // Per-app access rules (`tinyauth.apps.<app>.*` Ingress annotations, written by `withAuth`).
    plainEnv("TINYAUTH_LABELPROVIDER", "kubernetes"),
    secretEnv(`${provider}_CLIENTID`, secretName, "client-id"),
    secretEnv(`${provider}_CLIENTSECRET`, secretName, "client-secret"),
    plainEnv(`${provider}_AUTHURL`, urls.authorize),
    // Server-side calls stay inside the cluster, so login needs no NAT hairpin on the router.
    // Tinyauth v5.1.3 does plain OAuth here (no discovery, no issuer check), and Pocket ID v2.14.0
    // takes the issuer from APP_URL, not from the request's host.
    plainEnv(`${provider}_TOKENURL`, `${pocketIdInCluster}${POCKET_ID_PATHS.token}`),
    plainEnv(`${provider}_USERINFOURL`, `${pocketIdInCluster}${POCKET_ID_PATHS.userinfo}`),
    plainEnv(`${provider}_SCOPES`, "openid email profile groups"),
    plainEnv(`${provider}_NAME`, "Pocket ID"),
    plainEnv("TINYAUTH_OAUTH_AUTOREDIRECT", POCKET_ID_PROVIDER),
    ...(allowedUsers !== undefined && allowedUsers.length > 0
      ? [plainEnv("TINYAUTH_OAUTH_WHITELIST", allowedUsers.join(","))]
      : []),
  ];
};

/** Tinyauth's namespace, data volume and middleware exist from the first deploy (see the README). */
const tinyauthBase = ({ storage }: AuthPlanInput): PlannedObject[] => {
  const namespace = TINYAUTH_NAMESPACE;
  return [
    { id: "tinyauth-namespace", object: restrictedNamespace(namespace), after: [] },
    {
      stateful: true,
      id: "tinyauth-data",
      object: longhornVolumeClaim({
        name: "tinyauth-data",
        namespace,
        app: "tinyauth",
        storageClass: storage.longhornStorageClass,
        size: "1Gi",
        jobGroups: [storage.backupJobGroup, storage.trimJobGroup],
      }),
      after: ["tinyauth-namespace"],
    },
    {
      // Until Tinyauth runs, Traefik cannot reach this address and answers 500: fail closed.
      id: "tinyauth-forward-auth",
      object: forwardAuthMiddleware(
        MIDDLEWARE_NAME,
        namespace,
        forwardAuthAddress("tinyauth", namespace, TINYAUTH.port),
      ),
      after: ["tinyauth-namespace"],
    },
  ];
};

const tinyauthApp = ({ config, network }: AuthPlanInput, client: OAuthClient): PlannedObject[] => {
  const namespace = TINYAUTH_NAMESPACE;
  const secretName = "tinyauth-oauth-client";
  return [
    {
      id: "tinyauth-service-account",
      object: serviceAccount("tinyauth", namespace),
      after: ["tinyauth-namespace"],
    },
    { id: "tinyauth-ingress-reader", object: ingressReaderRole("tinyauth-ingress-reader"), after: [] },
    {
      id: "tinyauth-ingress-reader-binding",
      object: clusterRoleBinding("tinyauth-ingress-reader", "tinyauth-ingress-reader", {
        name: "tinyauth",
        namespace,
      }),
      after: ["tinyauth-service-account", "tinyauth-ingress-reader"],
    },
    {
      id: "tinyauth-oauth-client",
      object: secretObject(
        { name: secretName, namespace, labels: appLabels("tinyauth") },
        {
          "client-id": client.id,
          "client-secret": client.secret,
        },
      ),
      after: ["tinyauth-namespace"],
    },
    {
      id: "tinyauth",
      object: webAppDeployment({
        name: "tinyauth",
        namespace,
        image: TINYAUTH.image,
        port: TINYAUTH.port,
        env: tinyauthEnv(network.domain, config.tinyauthAllowedUsers, secretName),
        // GET /api/healthz answers 200 in v5.1.3 (internal/controller/health_controller.go).
        healthPath: "/api/healthz",
        dataClaim: "tinyauth-data",
        dataPath: "/data",
        uid: APP_UID,
        resources: { cpu: "20m", memory: "64Mi", memoryLimit: "256Mi" },
        serviceAccount: "tinyauth",
      }),
      after: ["tinyauth-oauth-client", "tinyauth-data", "tinyauth-ingress-reader-binding"],
    },
    {
      id: "tinyauth-service",
      object: clusterService("tinyauth", namespace, TINYAUTH.port),
      after: ["tinyauth-namespace"],
    },
    // The login page itself: on both classes so apps on the public class can send users here.
    ...bothClasses(
      {
        name: "tinyauth",
        namespace,
        host: authHosts(network.domain).tinyauth,
        service: "tinyauth",
        servicePort: TINYAUTH.port,
      },
      network,
      ["tinyauth-service"],
    ),
  ];
};

/** Infrastructure UIs of earlier layers, on the private class, each behind the middleware. */
const protectedUis = ({ network, storage }: AuthPlanInput): PlannedObject[] => {
  const hosts = authHosts(network.domain);
  const middleware = middlewareReference(TINYAUTH_NAMESPACE, MIDDLEWARE_NAME);
  const after = ["tinyauth-forward-auth", "tinyauth"];
  const dashboards = [
    {
      id: "private",
      namespace: network.privateTraefikNamespace,
      host: hosts.traefikPrivate,
      ingressClass: network.privateIngressClass,
      ingressIp: network.privateIngressIp,
      lanOnly: false,
    },
    // The public Traefik's api@internal exists only inside the public Traefik, so its dashboard
    // route must be served by that instance; an IP allow-list keeps it off the internet all the same.
    {
      id: "public",
      namespace: network.publicTraefikNamespace,
      host: hosts.traefikPublic,
      ingressClass: network.publicIngressClass,
      ingressIp: network.publicIngressIp,
      lanOnly: true,
    },
  ];
  return [
    {
      id: "longhorn-ui",
      object: httpsIngress({
        name: "longhorn-ui",
        namespace: storage.longhornNamespace,
        host: hosts.longhorn,
        ingressClass: network.privateIngressClass,
        service: storage.longhornUiService,
        servicePort: UI_SERVICE_PORT,
        middleware,
      }),
      after,
    },
    {
      id: "pihole-admin",
      object: httpsIngress({
        name: "pihole-admin",
        namespace: network.piholeNamespace,
        host: network.piholeHost,
        ingressClass: network.privateIngressClass,
        service: network.piholeWebService,
        servicePort: UI_SERVICE_PORT,
        middleware,
      }),
      after,
    },
    ...dashboards.flatMap((dashboard): PlannedObject[] => [
      {
        // IngressRoutes may not reference a Middleware in another namespace unless the chart sets
        // allowCrossNamespace, so each Traefik namespace gets its own copy of the same forwardAuth.
        id: `traefik-${dashboard.id}-forward-auth`,
        object: forwardAuthMiddleware(
          MIDDLEWARE_NAME,
          dashboard.namespace,
          forwardAuthAddress("tinyauth", TINYAUTH_NAMESPACE, TINYAUTH.port),
        ),
        after: ["tinyauth"],
      },
      ...(dashboard.lanOnly
        ? [
            {
              id: `traefik-${dashboard.id}-lan-only`,
              object: lanOnlyMiddleware(LAN_ONLY_MIDDLEWARE, dashboard.namespace),
              after: [],
            },
          ]
        : []),
      {
        id: `traefik-${dashboard.id}-dashboard`,
        object: dashboardIngressRoute({
          name: "traefik-dashboard",
          namespace: dashboard.namespace,
          host: dashboard.host,
          ingressClass: dashboard.ingressClass,
          // The IP check first: outside the LAN there is not even a login page.
          middlewares: dashboard.lanOnly ? [LAN_ONLY_MIDDLEWARE, MIDDLEWARE_NAME] : [MIDDLEWARE_NAME],
          lanDns: { annotationPrefix: network.lanDnsAnnotationPrefix, target: dashboard.ingressIp },
        }),
        after: [
          `traefik-${dashboard.id}-forward-auth`,
          ...(dashboard.lanOnly ? [`traefik-${dashboard.id}-lan-only`] : []),
        ],
      },
    ]),
  ];
};

export const authPlan = (input: AuthPlanInput): AuthPlan => {
  const client = oauthClient(input.config);
  const urls = authUrls(input.network.domain);
  const hosts = authHosts(input.network.domain);
  const middleware = middlewareReference(TINYAUTH_NAMESPACE, MIDDLEWARE_NAME);
  return {
    tinyauthConfigured: client !== undefined,
    objects: [
      ...pocketIdObjects(input),
      ...tinyauthBase(input),
      // Tinyauth v5 refuses to start without a login provider, and a UI must never be reachable
      // without working auth: both wait for the OAuth client.
      ...(client === undefined ? [] : [...tinyauthApp(input, client), ...protectedUis(input)]),
    ],
    exports: {
      // Middlewares are not filtered by ingress class: one object serves both classes.
      publicAuthMiddleware: middleware,
      privateAuthMiddleware: middleware,
      pocketIdIssuerUrl: urls.pocketId,
      tinyauthUrl: urls.tinyauth,
      // Reserved from the first deploy on, even while the UIs wait for Tinyauth.
      uiHosts: [hosts.longhorn, input.network.piholeHost, hosts.traefikPrivate, hosts.traefikPublic],
    },
  };
};
