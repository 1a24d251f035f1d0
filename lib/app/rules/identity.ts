/** The app's identity in `app()`: its name, image, port, replicas and the user and group it runs as. */
import { imagePinned, isDns1035Label, isImageReference } from "../predicates.ts";
import { type AppRule, appName, inApp, when } from "./rule.ts";

/** Leaves room for the longest derived name (`<app>-db-app`, the CloudNativePG secret) within 63 characters. */
const MAX_APP_NAME = 50;

export const nameRule: AppRule = (spec) => {
  const name = appName(spec);
  return when(!isDns1035Label(name) || name.length > MAX_APP_NAME, () =>
    inApp(
      spec,
      "app()",
      `name ${JSON.stringify(name)} is not a DNS-1035 label of at most ${MAX_APP_NAME} characters (it names the app's Service)`,
      "use lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit, e.g. my-app",
    ),
  );
};

export const imageRule: AppRule = (spec) => {
  if (typeof spec.image !== "string" || !isImageReference(spec.image)) {
    return [
      inApp(
        spec,
        "app()",
        `image ${JSON.stringify(spec.image)} is not a well-formed image reference`,
        "write [registry/]repository:tag with a lowercase repository and no spaces, e.g. ghcr.io/miniflux/miniflux:2.2.6",
      ),
    ];
  }
  return when(!imagePinned(spec.image), () =>
    inApp(
      spec,
      "app()",
      `image ${JSON.stringify(spec.image)} is not pinned`,
      "give an exact tag or digest, e.g. traefik/whoami:v1.11.0 (never :latest or no tag)",
    ),
  );
};

export const portRule: AppRule = (spec) =>
  when(
    spec.port !== undefined && !(Number.isInteger(spec.port) && spec.port >= 1 && spec.port <= 65535),
    () => inApp(spec, "app()", `port ${spec.port} is not a TCP port`, "use a whole number from 1 to 65535"),
  );

/**
 * The most replicas an app may ask for. A homelab has a handful of nodes: more than 10 copies of
 * one app is a typo (100 for 10) that would fill the cluster with pods nobody can schedule.
 */
const MAX_REPLICAS = 10;

export const replicasRule: AppRule = (spec) => [
  ...when(!(Number.isInteger(spec.replicas) && spec.replicas >= 0), () =>
    inApp(spec, "app()", `replicas ${spec.replicas} is not a whole number >= 0`, "use e.g. replicas: 1"),
  ),
  ...when(Number.isInteger(spec.replicas) && spec.replicas > MAX_REPLICAS, () =>
    inApp(
      spec,
      "app()",
      `replicas ${spec.replicas} is more than ${MAX_REPLICAS}, more pods than a homelab's few nodes hold`,
      `use at most ${MAX_REPLICAS} (e.g. replicas: 2 for one pod on each of two nodes)`,
    ),
  ),
];

/** User and group: numeric ids, and root (0) only with the named opt-out. */
export const userGroupRule: AppRule = (spec) =>
  (["user", "group"] as const).flatMap((field) => {
    const id = spec[field];
    if (!(Number.isInteger(id) && id >= 0))
      return [
        inApp(spec, "app()", `${field} ${id} is not a numeric id`, `use a number, e.g. ${field}: 1000`),
      ];
    return when(id === 0 && spec.runAsRoot === undefined, () =>
      inApp(
        spec,
        "app()",
        `${field} 0 is root, but the app does not opt out of running as non-root`,
        'use the image\'s own non-root id (e.g. 1000), or add allowRunAsRoot("why this image needs root")',
      ),
    );
  });
