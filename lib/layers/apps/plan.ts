/**
 * From app modules to the complete, checked list of objects of the apps layer. Every problem of
 * every app is collected (each naming its file) before anything is created: one broken app file
 * fails the whole deploy, because skipping it would delete what it deployed.
 */
import { readdirSync } from "node:fs";
import { basename } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { oidcSecretOf } from "../../app/oidc.ts";
import { type AppContracts, renderApp } from "../../app/render.ts";
import { type AppSecrets, unusedSecrets } from "../../app/secrets.ts";
import { type AppSpec, isAppSpec, namespaceOf } from "../../app/spec.ts";
import { validateApp } from "../../app/validate.ts";
import type { PlannedObject } from "../../core/plan.ts";
import { type Problem, problem, within } from "../../core/problem.ts";
import { RESERVED_NAMESPACES } from "../../k8s/names.ts";
import { checkReferences } from "./integrity/index.ts";
import { IMPORT_TIMEOUT_MS, type Loaded, loadModule, withoutExit } from "./load.ts";
import { sharedOnce } from "./shared.ts";

export interface AppSource {
  /** File name, e.g. `demo.ts`: the app inside must be named after it. */
  file: string;
  /** The module's default export, or why it did not load (where, when known, and the fix). */
  load: Loaded;
}

export interface PlannedApp {
  file: string;
  spec: AppSpec;
  objects: PlannedObject[];
}

/** Hidden files and editors' swap, backup and lock files: never apps, never worth an error. */
const isEditorOrHidden = (name: string): boolean =>
  name.startsWith(".") || name.endsWith("~") || /\.sw[a-p]$/.test(name) || /^#.*#$/.test(name);

/**
 * Files in the apps folder that are app modules; hidden and editor files are ignored; anything
 * else there (but a README) is an error.
 */
export const appFiles = (dir: string): { modules: string[]; strays: string[] } => {
  const entries = readdirSync(dir, { withFileTypes: true })
    .map((entry) => entry.name)
    .filter((name) => !isEditorOrHidden(name))
    .sort();
  return {
    modules: entries.filter((name) => name.endsWith(".ts")),
    strays: entries.filter((name) => !name.endsWith(".ts") && !/^readme\.md$/i.test(name)),
  };
};

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Imports every app module of `dir`, one at a time in name order (so a module's failure is its
 * own); a module that does not compile, throws, exits or hangs is recorded, never skipped.
 */
export const importApps = async (
  dir: string,
  timeoutMs = IMPORT_TIMEOUT_MS,
): Promise<{ sources: AppSource[]; strays: string[] }> => {
  const { modules, strays } = appFiles(dir);
  const sources: AppSource[] = [];
  for (const file of modules) sources.push({ file, load: await loadModule(dir, file, timeoutMs) });
  return { sources, strays };
};

/** Namespaces and hosts of the platform (earlier layers, system namespaces): no app may take them. */
interface Platform {
  namespaces: ReadonlySet<string>;
  hosts: ReadonlySet<string>;
  domain: string;
  externalHostname: string;
}

const hostOfUrl = (url: string): string => url.replace(/^https:\/\//, "");

const platformOf = ({ network, storage, auth }: AppContracts): Platform => ({
  namespaces: new Set([
    ...RESERVED_NAMESPACES,
    network.publicTraefikNamespace,
    network.privateTraefikNamespace,
    network.piholeNamespace,
    storage.longhornNamespace,
  ]),
  hosts: new Set([
    hostOfUrl(auth.tinyauthUrl),
    hostOfUrl(auth.pocketIdIssuerUrl),
    ...auth.uiHosts,
    network.externalHostname,
    network.dnsServerHost,
  ]),
  domain: network.domain,
  externalHostname: network.externalHostname,
});

/** The spec a module's default export gives (calling it with the contracts if it is a function), or why none. */
const specOf = (source: AppSource, contracts: AppContracts): Result<AppSpec, Problem[]> => {
  const fail = (what: string, fix: string, file = source.file) => err([problem({ file }, what, fix)]);
  const { load } = source;
  if (!load.ok)
    return fail(`does not load: ${load.error}`, load.fix ?? "fix the module so it imports", load.at);
  let value = load.value;
  if (typeof value === "function") {
    const build = value as (c: AppContracts) => unknown;
    try {
      value = withoutExit(() => build(contracts));
    } catch (error) {
      return fail(`its default export threw: ${message(error)}`, "fix the function so it returns an app");
    }
  }
  return isAppSpec(value)
    ? ok(value)
    : fail("has no default export of an app", "write `export default pipe(app(...), ...)`");
};

/** The app's place among its neighbours: named after its file, and not in a platform namespace. */
const placementProblems = (file: string, spec: AppSpec, platform: Platform): Problem[] => {
  const expected = basename(file, ".ts");
  return [
    ...(spec.name === expected
      ? []
      : [
          problem(
            { app: spec.name },
            `is defined in ${file}`,
            `name the file ${spec.name}.ts or the app ${expected}`,
          ),
        ]),
    ...(platform.namespaces.has(namespaceOf(spec))
      ? [
          problem(
            { app: spec.name },
            `its namespace ${namespaceOf(spec)} belongs to the platform`,
            "pick another app name or namespace",
          ),
        ]
      : []),
  ];
};

/** One app from its spec to its objects: every problem of the spec first, then the render's. */
const planApp = (
  source: AppSource,
  spec: Result<AppSpec, Problem[]>,
  contracts: AppContracts,
  secrets: AppSecrets,
  platform: Platform,
  collisions: ReadonlyMap<string, readonly string[]>,
): Result<PlannedApp, Problem[]> =>
  spec
    .andThen((spec) => {
      const others = collisions.get(source.file);
      const problems = [
        ...validateApp(spec),
        ...(others === undefined
          ? placementProblems(source.file, spec, platform)
          : [collisionProblem(source.file, spec.name, others)]),
      ];
      return problems.length > 0 ? err(problems) : ok(spec);
    })
    .andThen((spec) =>
      renderApp(spec, contracts, secrets).map((objects) => ({ file: source.file, spec, objects })),
    )
    .mapErr((problems) => problems.map(within({ file: source.file })));

interface SourceSpec {
  source: AppSource;
  spec: Result<AppSpec, Problem[]>;
}

/** Files whose modules define the same app name, each with the other files that define it. */
const collidingFiles = (specs: readonly SourceSpec[]): Map<string, string[]> => {
  const byName = new Map<string, string[]>();
  for (const { source, spec } of specs)
    if (spec.isOk()) byName.set(spec.value.name, [...(byName.get(spec.value.name) ?? []), source.file]);
  return new Map(
    [...byName.values()]
      .filter((files) => files.length > 1)
      .flatMap((files) => files.map((file) => [file, files.filter((other) => other !== file)] as const)),
  );
};

const collisionProblem = (file: string, name: string, others: readonly string[]): Problem =>
  problem(
    { app: name },
    `is defined in ${file} and again in ${others.join(" and ")}: two files define one app`,
    `keep app ${name} in ${name}.ts only: rename the app in the other file (an app is named after its file) or delete the copy`,
  );

/** Hosts an app may not serve: the network layer's external record, and the platform's UIs. */
const hostProblems = ({ file, spec }: PlannedApp, platform: Platform): Problem[] =>
  spec.exposures.flatMap((exposure) => {
    const host = `${exposure.subdomain}.${platform.domain}`;
    const where = { file, app: spec.name };
    if (host === platform.externalHostname)
      return [
        problem(
          where,
          `${host} is the network layer's external_record`,
          "pick another subdomain, or rename external_record in the network config",
        ),
      ];
    return platform.hosts.has(host)
      ? [problem(where, `${host} is taken by the platform`, "pick another subdomain")]
      : [];
  });

/** Names that share one cluster-wide space across apps: static PVs and hosts. */
const sharedNameProblems = (planned: readonly PlannedApp[], domain: string): Problem[] => {
  const owners = new Map<string, string>();
  return planned.flatMap(({ file, spec, objects }) =>
    [
      ...objects
        .filter((o) => o.object.kind === "PersistentVolume")
        .map((o) => `PersistentVolume ${o.object.metadata.name}`),
      // One host on both classes is one name of the app's.
      ...new Set(spec.exposures.map((exposure) => `host ${exposure.subdomain}.${domain}`)),
    ].flatMap((name) => {
      const owner = owners.get(name);
      if (owner === undefined) owners.set(name, file);
      return owner === undefined
        ? []
        : [
            problem(
              { file },
              `${name} is also defined by ${owner}`,
              "rename one of the volumes or subdomains",
            ),
          ];
    }),
  );
};

const unusedSecretProblems = (planned: readonly PlannedApp[], secrets: AppSecrets): Problem[] =>
  unusedSecrets(
    secrets,
    planned.flatMap(({ spec }) => spec.secretEnv.map(({ key }) => ({ app: spec.name, key }))),
  ).map(({ app, key }) =>
    problem(
      { layer: "apps", key: `app_secrets.${app}.${key}` },
      "is set but no app reads it (a typo?)",
      `remove it with pulumi config rm --path 'app_secrets.${app}.${key}', or read it with withSecretEnv`,
    ),
  );

/**
 * Every app planned, or every problem of every app: each app on its own, then what only the
 * planned apps together show (hosts, shared names, references, unused secrets).
 */
export const planApps = (
  sources: readonly AppSource[],
  contracts: AppContracts,
  secrets: AppSecrets,
  strays: readonly string[] = [],
): Result<PlannedApp[], Problem[]> => {
  const platform = platformOf(contracts);
  const specs = sources.map((source) => ({ source, spec: specOf(source, contracts) }));
  const collisions = collidingFiles(specs);
  const results = specs.map(({ source, spec }) =>
    planApp(source, spec, contracts, secrets, platform, collisions),
  );
  const shared = sharedOnce(results.flatMap((result) => (result.isOk() ? [result.value] : [])));
  const planned = shared.apps;
  const problems = [
    ...strays.map((file) =>
      problem(
        { file },
        "is not an app module (.ts)",
        "move it out of the apps folder so nothing is skipped silently",
      ),
    ),
    ...results.flatMap((result) => (result.isErr() ? result.error : [])),
    ...shared.conflicts,
    ...planned.flatMap((app) => hostProblems(app, platform)),
    ...sharedNameProblems(planned, contracts.network.domain),
    ...checkReferences(
      planned.flatMap((p) => p.objects.map((o) => o.object)),
      planned.flatMap((p) => oidcSecretOf(p.spec)),
    ),
    ...unusedSecretProblems(planned, secrets),
  ];
  return problems.length > 0 ? err(problems) : ok(planned);
};
