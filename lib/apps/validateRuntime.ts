/**
 * The rules of what runs inside an app's container: environment, database, config files,
 * resources, probes and the named opt-outs of secure defaults. Part of `validateApp`.
 */
import { bytes, millicores } from "../quantity.ts";
import {
  CAPABILITY,
  duplicates,
  ENV_NAME,
  isPositiveSize,
  looksSecret,
  PG_IDENTIFIER,
  SECRET_KEY,
  systemPathProblem,
} from "./rules.ts";
import { type AppSpec, effectiveResources, POSTGRES_FIELDS, type Quantities } from "./spec.ts";

type Add = (where: string, message: string, fix: string) => void;

const envProblems = (spec: AppSpec, add: Add): void => {
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
    if (looksSecret(variable.name)) {
      const key = variable.name.toLowerCase();
      add(
        `withEnv ${variable.name}`,
        "looks like a secret, and withEnv values are plain text in the Deployment",
        `use withSecretEnv({ ${variable.name}: "${key}" }) and set the value: pulumi config set --secret --path 'app_secrets.${spec.name}.${key}' '<value>'`,
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
};

const postgresProblems = (spec: AppSpec, add: Add): void => {
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
    if (!isPositiveSize(pg.size)) {
      add(
        "withPostgres",
        `size ${JSON.stringify(pg.size)} is not a storage quantity above zero`,
        "write e.g. 5Gi",
      );
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
};

const configFileProblems = (spec: AppSpec, add: Add): void => {
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
    const system = systemPathProblem(file.path);
    if (system)
      add(
        `withConfigFile ${file.path}`,
        system,
        "mount it at a path of the app's own, e.g. /config/app.yaml",
      );
  }
};

const resourceProblems = (spec: AppSpec, add: Add): void => {
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
};

const probeProblems = (spec: AppSpec, add: Add): void => {
  if (spec.probes !== undefined) {
    const { path, command, tcpPort } = spec.probes;
    if ([path, command, tcpPort].filter((check) => check !== undefined).length !== 1) {
      add(
        "withProbes",
        "needs exactly one of path, command and tcpPort",
        'write withProbes({ path: "/healthz" }), withProbes({ command: [...] }) or withProbes({ tcpPort: "dns-tcp" })',
      );
    }
    if (path !== undefined && !path.startsWith("/")) {
      add("withProbes", `path ${JSON.stringify(path)} does not start with /`, `write /${path}`);
    }
    if (path !== undefined && spec.port === undefined) {
      add("withProbes", "an HTTP probe needs the app's port", "give app() a port, or probe with a command");
    }
  }
};

const optOutProblems = (spec: AppSpec, add: Add): void => {
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
};

export const runtimeProblems = (spec: AppSpec, add: Add): void => {
  for (const rules of [
    envProblems,
    postgresProblems,
    configFileProblems,
    resourceProblems,
    probeProblems,
    optOutProblems,
  ])
    rules(spec, add);
};
