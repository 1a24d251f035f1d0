/**
 * Every rule an app spec must satisfy, checked at once before anything is rendered. Each problem
 * names the app, where in the spec it is, what is wrong and how to fix it.
 */
import { absolutePath } from "../config/values.ts";
import { bytes, millicores } from "../quantity.ts";
import { type AppSpec, effectiveResources, POSTGRES_FIELDS, type Quantities } from "./spec.ts";

export interface AppProblem {
  app: string;
  /** The builder or option the problem is in, e.g. `withNfsVolume "media"`. */
  where: string;
  message: string;
  fix: string;
}

export const formatProblem = (p: AppProblem): string =>
  `app ${p.app}: ${p.where}: ${p.message}.\n    fix: ${p.fix}`;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Leaves room for the longest derived name (`<app>-db-app`, the CloudNativePG secret) within 63 characters. */
export const MAX_APP_NAME = 50;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const CAPABILITY = /^[A-Z][A-Z_]*$/;
const LOOKS_SECRET = /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|ENCRYPTION_KEY)$/;
/** The volume name the renderer uses for config files. */
export const CONFIG_VOLUME = "config-files";

const isDnsLabel = (text: string): boolean => text.length <= 63 && DNS_LABEL.test(text);

// ---------------------------------------------------------------- rules

/** `repository:tag` (not latest) or `repository@sha256:...`. */
const imagePinned = (image: string): boolean => {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSlash = image.lastIndexOf("/");
  const tag = image.slice(lastSlash + 1).split(":")[1];
  return tag !== undefined && tag !== "" && tag !== "latest";
};

const duplicates = (values: readonly string[]): string[] =>
  [...new Set(values.filter((value, index) => values.indexOf(value) !== index))].sort();

const commaSafe = (values: readonly string[]): string[] =>
  values.filter((value) => value.trim() === "" || /[,\s]/.test(value));

export const validateApp = (spec: AppSpec): AppProblem[] => {
  const problems: AppProblem[] = [];
  const name = typeof spec.name === "string" ? spec.name : String(spec.name);
  const add = (where: string, message: string, fix: string) =>
    problems.push({ app: name, where, message, fix });

  // identity and container
  if (!isDnsLabel(name) || name.length > MAX_APP_NAME) {
    add(
      "app()",
      `name ${JSON.stringify(name)} is not a DNS-1123 label of at most ${MAX_APP_NAME} characters`,
      "use lowercase letters, digits and dashes, starting and ending with a letter or digit, e.g. my-app",
    );
  }
  if (typeof spec.image !== "string" || !imagePinned(spec.image)) {
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

  // volumes and mounts
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
    if (bytes(volume.size) === undefined) {
      add(where, `size ${JSON.stringify(volume.size)} is not a storage quantity`, "write e.g. 10Gi or 500Mi");
    }
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

  // exposure and auth
  const hosts = spec.exposures.map((exposure) => exposure.subdomain);
  for (const dup of duplicates(hosts)) {
    add(
      `subdomain ${dup}`,
      "more than one ingress serves this host (public and private DNS would disagree)",
      "give the private and public ingress different subdomains",
    );
  }
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

  // environment
  const postgresEnv = Object.values(spec.postgres?.env ?? {}).filter((v): v is string => v !== undefined);
  const allEnv = [...spec.env.map((e) => e.name), ...spec.secretEnv.map((e) => e.name), ...postgresEnv];
  for (const dup of duplicates(allEnv)) {
    add(
      `env ${dup}`,
      "is set more than once (withEnv, withSecretEnv or withPostgres)",
      "set each variable once",
    );
  }
  for (const envName of allEnv) {
    if (!ENV_NAME.test(envName)) {
      add(
        `env ${envName}`,
        "is not a valid variable name",
        "use letters, digits and underscores, e.g. DATABASE_URL",
      );
    }
  }
  for (const variable of spec.env) {
    if (LOOKS_SECRET.test(variable.name)) {
      add(
        `withEnv ${variable.name}`,
        "looks like a secret, and withEnv values are plain text in the Deployment",
        `use withSecretEnv({ ${variable.name}: "<config key>" }) and set the value with --secret`,
      );
    }
  }
  for (const variable of spec.secretEnv) {
    if (!SECRET_KEY.test(variable.key)) {
      add(
        `withSecretEnv ${variable.name}`,
        `config key ${JSON.stringify(variable.key)} is not a valid secret key`,
        "use letters, digits, dashes, dots and underscores, e.g. admin_password",
      );
    }
  }

  // postgres
  if (spec.postgres !== undefined) {
    const pg = spec.postgres;
    if (!(Number.isInteger(pg.instances) && pg.instances >= 1)) {
      add(
        "withPostgres",
        `instances ${pg.instances} is not a whole number >= 1`,
        "use instances: 1 (or more for replicas)",
      );
    }
    if (!PG_IDENTIFIER.test(pg.database)) {
      add(
        "withPostgres",
        `database ${JSON.stringify(pg.database)} is not a plain Postgres name`,
        "use lowercase letters, digits and underscores, e.g. miniflux",
      );
    }
    if (bytes(pg.size) === undefined) {
      add("withPostgres", `size ${JSON.stringify(pg.size)} is not a storage quantity`, "write e.g. 5Gi");
    }
    const fields = Object.keys(pg.env);
    if (fields.length === 0) {
      add(
        "withPostgres",
        "env names no variable, so the app cannot reach its database",
        'add e.g. env: { url: "DATABASE_URL" }',
      );
    }
    for (const field of fields) {
      if (!(field in POSTGRES_FIELDS)) {
        add(
          "withPostgres",
          `env field ${field} is unknown`,
          `use one of: ${Object.keys(POSTGRES_FIELDS).join(", ")}`,
        );
      }
    }
  }

  // config files
  const baseNames = spec.configFiles.map((file) => file.path.split("/").pop() ?? "");
  for (const dup of duplicates(baseNames)) {
    add(
      `withConfigFile ${dup}`,
      "two config files share this file name",
      "give config files distinct file names",
    );
  }
  for (const file of spec.configFiles) {
    const base = file.path.split("/").pop() ?? "";
    if (!file.path.startsWith("/") || base === "" || !SECRET_KEY.test(base)) {
      add(
        `withConfigFile ${file.path}`,
        "is not an absolute file path with a plain file name",
        "write e.g. /etc/app/config.yaml",
      );
    }
  }

  // resources
  const resources = effectiveResources(spec);
  const checkQuantities = (kind: string, q: Quantities) => {
    if (q.cpu !== undefined && millicores(q.cpu) === undefined) {
      add(
        "withResources",
        `${kind}.cpu ${JSON.stringify(q.cpu)} is not a CPU quantity`,
        "write e.g. 250m or 1",
      );
    }
    if (q.memory !== undefined && bytes(q.memory) === undefined) {
      add(
        "withResources",
        `${kind}.memory ${JSON.stringify(q.memory)} is not a memory quantity`,
        "write e.g. 256Mi",
      );
    }
  };
  checkQuantities("requests", resources.requests);
  checkQuantities("limits", resources.limits);
  const over = (request?: number, limit?: number) =>
    request !== undefined && limit !== undefined && request > limit;
  if (over(millicores(resources.requests.cpu ?? ""), millicores(resources.limits.cpu ?? ""))) {
    add(
      "withResources",
      `requests.cpu ${resources.requests.cpu} is above limits.cpu ${resources.limits.cpu}`,
      "raise the limit or lower the request",
    );
  }
  if (over(bytes(resources.requests.memory ?? ""), bytes(resources.limits.memory ?? ""))) {
    add(
      "withResources",
      `requests.memory ${resources.requests.memory} is above limits.memory ${resources.limits.memory}`,
      "raise the limit or lower the request",
    );
  }

  // probes
  if (spec.probes !== undefined) {
    const { path, command } = spec.probes;
    if ((path === undefined) === (command === undefined)) {
      add(
        "withProbes",
        "needs exactly one of path and command",
        'write withProbes({ path: "/healthz" }) or withProbes({ command: [...] })',
      );
    }
    if (path !== undefined && !path.startsWith("/")) {
      add("withProbes", `path ${JSON.stringify(path)} does not start with /`, `write /${path}`);
    }
    if (path !== undefined && spec.port === undefined) {
      add("withProbes", "an HTTP probe needs the app's port", "give app() a port, or probe with a command");
    }
  }

  // opt-outs of secure defaults
  if (spec.runAsRoot !== undefined && spec.runAsRoot.trim() === "") {
    add("allowRunAsRoot", "gives no reason", 'say why: allowRunAsRoot("image chowns /config at start")');
  }
  if (spec.capabilities !== undefined) {
    if (spec.capabilities.reason.trim() === "") {
      add(
        "addCapabilities",
        "gives no reason",
        'say why: addCapabilities(["NET_BIND_SERVICE"], "binds port 53")',
      );
    }
    for (const capability of spec.capabilities.add) {
      if (!CAPABILITY.test(capability) || capability === "ALL" || capability.startsWith("CAP_")) {
        add(
          "addCapabilities",
          `${JSON.stringify(capability)} is not a single capability name`,
          "write names like NET_BIND_SERVICE (no CAP_ prefix, not ALL)",
        );
      }
    }
  }
  for (const conflict of spec.conflicts) {
    add(conflict.split(" ")[0] ?? "builder", conflict, "apply it once with all its options");
  }
  return problems;
};
