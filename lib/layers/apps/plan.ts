/**
 * From app modules to the complete, checked list of objects of the apps layer. Every problem of
 * every app is collected (each naming its file) before anything is created: one broken app file
 * fails the whole deploy, because skipping it would delete what it deployed.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { err, ok, type Result } from "neverthrow";
import { mergeAppObjects } from "../../app/merge.ts";
import { type AppContracts, renderApp } from "../../app/render.ts";
import { type AppSecrets, unusedSecrets } from "../../app/secrets.ts";
import { type AppSpec, isAppSpec, namespaceOf } from "../../app/spec.ts";
import { validateApp } from "../../app/validate.ts";
import type { PlannedObject } from "../../core/plan.ts";
import { type Problem, problem, within } from "../../core/problem.ts";
import { RESERVED_NAMESPACES } from "../../k8s/names.ts";
import { checkReferences } from "./integrity/index.ts";

export interface AppSource {
  /** File name, e.g. `demo.ts`: the app inside must be named after it. */
  file: string;
  /** The module's default export, or the error thrown while importing it. */
  load: { ok: true; value: unknown } | { ok: false; error: string };
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

/** Imports every app module of `dir`, in name order; a module that throws is recorded, not skipped. */
export const importApps = async (dir: string): Promise<{ sources: AppSource[]; strays: string[] }> => {
  const { modules, strays } = appFiles(dir);
  const sources = await Promise.all(
    modules.map(async (file): Promise<AppSource> => {
      try {
        const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
        return { file, load: { ok: true, value: module.default } };
      } catch (error) {
        return { file, load: { ok: false, error: message(error) } };
      }
    }),
  );
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
  const fail = (what: string, fix: string) => err([problem({ file: source.file }, what, fix)]);
  if (!source.load.ok) return fail(`does not load: ${source.load.error}`, "fix the module so it imports");
  let value = source.load.value;
  if (typeof value === "function") {
    try {
      value = (value as (c: AppContracts) => unknown)(contracts);
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

/** One app from its module to its objects: every problem of the spec first, then the render's. */
const planApp = (
  source: AppSource,
  contracts: AppContracts,
  secrets: AppSecrets,
  platform: Platform,
): Result<PlannedApp, Problem[]> =>
  specOf(source, contracts)
    .andThen((spec) => {
      const problems = [...validateApp(spec), ...placementProblems(source.file, spec, platform)];
      return problems.length > 0 ? err(problems) : ok(spec);
    })
    .andThen((spec) =>
      renderApp(spec, contracts, secrets).map((objects) => ({ file: source.file, spec, objects })),
    )
    .mapErr((problems) => problems.map(within({ file: source.file })));

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
  const results = sources.map((source) => planApp(source, contracts, secrets, platform));
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
    ...checkReferences(planned.flatMap((p) => p.objects.map((o) => o.object))),
    ...unusedSecretProblems(planned, secrets),
  ];
  return problems.length > 0 ? err(problems) : ok(planned);
};

/** Apps sharing a namespace each render it: the first app that renders an object keeps it. */
const sharedOnce = (planned: readonly PlannedApp[]): { apps: PlannedApp[]; conflicts: Problem[] } =>
  mergeAppObjects(planned.map((p) => p.objects)).match(
    (merged) => {
      const byId = new Map(merged.map((item) => [item.id, item]));
      const kept = new Set<string>();
      const apps = planned.map((p) => ({
        ...p,
        objects: p.objects.flatMap((item) => {
          if (kept.has(item.id)) return [];
          kept.add(item.id);
          return [byId.get(item.id) ?? item];
        }),
      }));
      return { apps, conflicts: [] };
    },
    (conflicts) => ({ apps: [...planned], conflicts }),
  );
