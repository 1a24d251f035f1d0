/** How the app is exposed: withPrivateIngress and withPublicIngress, and auth on public routes. */
import { isDnsLabel } from "../predicates.ts";
import type { Exposure } from "../spec.ts";
import { type AppRule, inApp, when } from "./rule.ts";

const builderOf = (exposure: Exposure): string =>
  exposure.kind === "private" ? "withPrivateIngress" : "withPublicIngress";

/**
 * At most one route per class. One subdomain on both classes is fine: the public route's LAN
 * record is the private ingress, so the LAN and the internet each resolve the host once.
 */
export const hostsRule: AppRule = (spec) => [
  ...(["private", "public"] as const).flatMap((kind) =>
    when(spec.exposures.filter((exposure) => exposure.kind === kind).length > 1, () =>
      inApp(
        spec,
        kind === "private" ? "withPrivateIngress" : "withPublicIngress",
        "is applied more than once",
        "expose the app at most once privately and once publicly",
      ),
    ),
  ),
];

/** Each ingress needs a port to route to and a subdomain that is one DNS label. */
export const routeRule: AppRule = (spec) =>
  spec.exposures.flatMap((exposure) => [
    ...when(spec.port === undefined, () =>
      inApp(
        spec,
        builderOf(exposure),
        "the app has no port to route to",
        "give app() a port, e.g. { image, port: 8080 }",
      ),
    ),
    ...when(!isDnsLabel(exposure.subdomain), () =>
      inApp(
        spec,
        builderOf(exposure),
        `subdomain ${JSON.stringify(exposure.subdomain)} is not a single DNS label`,
        "use one label such as rss (the host becomes rss.<domain>)",
      ),
    ),
  ]);

/** Every public route has auth or a named waiver (noAuth), never both, never neither. */
export const publicAuthRule: AppRule = (spec) =>
  spec.exposures
    .filter((exposure) => exposure.kind === "public")
    .flatMap((exposure) => [
      ...when(exposure.noAuth !== undefined && exposure.noAuth.trim() === "", () =>
        inApp(
          spec,
          "withPublicIngress",
          "noAuth is empty",
          'say why the route is public without auth: { noAuth: "serves a public blog" }',
        ),
      ),
      ...when(exposure.noAuth !== undefined && spec.auth !== undefined, () =>
        inApp(
          spec,
          "withPublicIngress",
          "the app has withAuth and the public ingress waives auth with noAuth",
          "remove one of them: either the route is protected or it is not",
        ),
      ),
      ...when(exposure.noAuth === undefined && spec.auth === undefined, () =>
        inApp(
          spec,
          "withPublicIngress",
          "a public ingress without auth would expose the app to the internet",
          'add withAuth(), or waive it by name: withPublicIngress({ noAuth: "why it is safe" })',
        ),
      ),
    ]);
