/**
 * Every rule an app spec must satisfy, checked at once before anything is rendered. Each problem
 * names the app, where in the spec it is, what is wrong and how to fix it.
 */
import { absolutePath } from "../config/values.ts";
import { podBuilderProblems } from "./podRules.ts";
import {
  duplicates,
  imagePinned,
  isDns1035Label,
  isDnsLabel,
  isImageReference,
  isPositiveSize,
  systemPathProblem,
} from "./rules.ts";
import type { AppSpec } from "./spec.ts";
import { runtimeProblems } from "./validateRuntime.ts";

export interface AppProblem {
  app: string;
  /** The builder or option the problem is in, e.g. `withNfsVolume "media"`. */
  where: string;
  message: string;
  fix: string;
}

export const formatProblem = (p: AppProblem): string =>
  `app ${p.app}: ${p.where}: ${p.message}.\n    fix: ${p.fix}`;

/** Leaves room for the longest derived name (`<app>-db-app`, the CloudNativePG secret) within 63 characters. */
export const MAX_APP_NAME = 50;
/** The volume name the renderer uses for config files. */
export const CONFIG_VOLUME = "config-files";

// ---------------------------------------------------------------- rules

const commaSafe = (values: readonly string[]): string[] =>
  values.filter((value) => value.trim() === "" || /[,\s]/.test(value));

type Add = (where: string, message: string, fix: string) => void;

const identityProblems = (spec: AppSpec, add: Add): void => {
  const name = typeof spec.name === "string" ? spec.name : String(spec.name);
  if (!isDns1035Label(name) || name.length > MAX_APP_NAME) {
    add(
      "app()",
      `name ${JSON.stringify(name)} is not a DNS-1035 label of at most ${MAX_APP_NAME} characters (it names the app's Service)`,
      "use lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit, e.g. my-app",
    );
  }
  if (typeof spec.image !== "string" || !isImageReference(spec.image)) {
    add(
      "app()",
      `image ${JSON.stringify(spec.image)} is not a well-formed image reference`,
      "write [registry/]repository:tag with a lowercase repository and no spaces, e.g. ghcr.io/miniflux/miniflux:2.2.6",
    );
  } else if (!imagePinned(spec.image)) {
    add(
      "app()",
      `image ${JSON.stringify(spec.image)} is not pinned`,
      "give an exact tag or digest, e.g. traefik/whoami:v1.11.0 (never :latest or no tag)",
    );
  }
  if (spec.port !== undefined && !(Number.isInteger(spec.port) && spec.port >= 1 && spec.port <= 65535)) {
    add("app()", `port ${spec.port} is not a TCP port`, "use a whole number from 1 to 65535");
  }
  if (!(Number.isInteger(spec.replicas) && spec.replicas >= 0)) {
    add("app()", `replicas ${spec.replicas} is not a whole number >= 0`, "use e.g. replicas: 1");
  }
  for (const [field, id] of [
    ["user", spec.user],
    ["group", spec.group],
  ] as const) {
    if (!(Number.isInteger(id) && id >= 0)) {
      add("app()", `${field} ${id} is not a numeric id`, `use a number, e.g. ${field}: 1000`);
    } else if (id === 0 && spec.runAsRoot === undefined) {
      add(
        "app()",
        `${field} 0 is root, but the app does not opt out of running as non-root`,
        'use the image\'s own non-root id (e.g. 1000), or add allowRunAsRoot("why this image needs root")',
      );
    }
  }
};

const volumeProblems = (spec: AppSpec, add: Add): void => {
  const volumeNames = spec.volumes.map((volume) => volume.name);
  for (const dup of duplicates(volumeNames)) {
    add(`volume "${dup}"`, "the volume name is used more than once", "give every volume its own name");
  }
  const mountPaths = [...spec.volumes.map((v) => v.mountPath), ...spec.configFiles.map((f) => f.path)];
  for (const dup of duplicates(mountPaths)) {
    add(
      `mount path ${dup}`,
      "more than one volume or config file is mounted there",
      "mount each volume and config file at its own path",
    );
  }
  for (const volume of spec.volumes) {
    const where = `${volume.kind === "nfs" ? "withNfsVolume" : "withLonghornVolume"} "${volume.name}"`;
    if (!isDnsLabel(volume.name)) {
      add(
        where,
        "the volume name is not a DNS-1123 label",
        "use lowercase letters, digits and dashes, e.g. data",
      );
    }
    if (volume.name === CONFIG_VOLUME) {
      add(where, `the name ${CONFIG_VOLUME} is reserved for config files`, "pick another volume name");
    }
    if (!volume.mountPath.startsWith("/")) {
      add(
        where,
        `mountPath ${JSON.stringify(volume.mountPath)} is relative`,
        `write it absolute, e.g. /${volume.mountPath}`,
      );
    }
    if (!isPositiveSize(volume.size)) {
      add(
        where,
        `size ${JSON.stringify(volume.size)} is not a storage quantity above zero`,
        "write e.g. 10Gi or 500Mi",
      );
    }
    const system = systemPathProblem(volume.mountPath);
    if (system)
      add(
        where,
        `mountPath ${JSON.stringify(volume.mountPath)} ${system}`,
        "mount it at a folder of the app's own, e.g. /data",
      );
    if (volume.kind === "nfs") {
      const parsed = absolutePath(volume.path);
      if (parsed.isErr()) {
        add(where, `NFS path ${JSON.stringify(volume.path)} ${parsed.error.message}`, parsed.error.fix);
      }
    }
    if (volume.kind === "longhorn" && spec.replicas > 1) {
      add(
        where,
        `a Longhorn volume attaches to one node, but the app asks for ${spec.replicas} replicas`,
        "use replicas: 1, or share data through an NFS volume",
      );
    }
  }
};

const exposureProblems = (spec: AppSpec, add: Add): void => {
  // One subdomain on both classes is fine: the public route's LAN record is the private ingress.
  for (const kind of ["private", "public"] as const) {
    if (spec.exposures.filter((exposure) => exposure.kind === kind).length > 1) {
      add(
        kind === "private" ? "withPrivateIngress" : "withPublicIngress",
        "is applied more than once",
        "expose the app at most once privately and once publicly",
      );
    }
  }
  for (const exposure of spec.exposures) {
    const where = exposure.kind === "private" ? "withPrivateIngress" : "withPublicIngress";
    if (spec.port === undefined) {
      add(where, "the app has no port to route to", "give app() a port, e.g. { image, port: 8080 }");
    }
    if (!isDnsLabel(exposure.subdomain)) {
      add(
        where,
        `subdomain ${JSON.stringify(exposure.subdomain)} is not a single DNS label`,
        "use one label such as rss (the host becomes rss.<domain>)",
      );
    }
    if (exposure.kind === "public") {
      if (exposure.noAuth !== undefined && exposure.noAuth.trim() === "") {
        add(
          where,
          "noAuth is empty",
          'say why the route is public without auth: { noAuth: "serves a public blog" }',
        );
      }
      if (exposure.noAuth !== undefined && spec.auth !== undefined) {
        add(
          where,
          "the app has withAuth and the public ingress waives auth with noAuth",
          "remove one of them: either the route is protected or it is not",
        );
      }
      if (exposure.noAuth === undefined && spec.auth === undefined) {
        add(
          where,
          "a public ingress without auth would expose the app to the internet",
          'add withAuth(), or waive it by name: withPublicIngress({ noAuth: "why it is safe" })',
        );
      }
    }
  }
};

const authProblems = (spec: AppSpec, add: Add): void => {
  if (spec.auth !== undefined) {
    if (spec.exposures.length === 0) {
      add(
        "withAuth",
        "the app has no ingress to protect",
        "add withPrivateIngress() or withPublicIngress(), or drop withAuth",
      );
    }
    const { users, emails, groups } = spec.auth;
    if (users.length > 0 && emails.length === 0 && groups.length === 0) {
      add(
        "withAuth",
        "users only restricts Tinyauth local users; every Pocket ID login would still get in",
        "also restrict Pocket ID logins with emails or groups",
      );
    }
    for (const [field, values] of Object.entries({ users, emails, groups })) {
      for (const bad of commaSafe(values)) {
        add(
          "withAuth",
          `${field} entry ${JSON.stringify(bad)} is empty or contains a comma or space`,
          "list one name per entry",
        );
      }
      for (const dup of duplicates(values)) add("withAuth", `${field} lists ${dup} twice`, "list it once");
    }
  }
};

export const validateApp = (spec: AppSpec): AppProblem[] => {
  const problems: AppProblem[] = [];
  const name = typeof spec.name === "string" ? spec.name : String(spec.name);
  const add: Add = (where, message, fix) => problems.push({ app: name, where, message, fix });
  for (const rules of [
    identityProblems,
    volumeProblems,
    exposureProblems,
    authProblems,
    runtimeProblems,
    podBuilderProblems,
  ])
    rules(spec, add);
  return problems;
};
