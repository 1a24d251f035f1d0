/**
 * From app modules to the complete, checked list of objects of the apps layer. Every problem of
 * every app is collected (each naming its file) before anything is created: one broken app file
 * fails the whole deploy, because skipping it would delete what it deployed.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { err, ok, type Result } from "neverthrow";
import { RESERVED_NAMESPACES } from "../k8s/names.ts";
import type { PlannedObject } from "../plan.ts";
import { checkReferences } from "./integrity.ts";
import { mergeAppObjects } from "./merge.ts";
import { type AppContracts, renderApp } from "./render.ts";
import { type AppSecrets, unusedSecrets } from "./secrets.ts";
import { type AppSpec, isAppSpec, namespaceOf } from "./spec.ts";
import { formatProblem, validateApp } from "./validate.ts";

/** What an app module default-exports: a spec, or a function of the upstream contracts returning one. */
export type AppModuleExport = AppSpec | ((contracts: AppContracts) => AppSpec);

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

const hostOfUrl = (url: string): string => url.replace(/^https:\/\//, "");

export const planApps = (
  sources: readonly AppSource[],
  contracts: AppContracts,
  secrets: AppSecrets,
  strays: readonly string[] = [],
): Result<PlannedApp[], string[]> => {
  const errors: string[] = strays.map(
    (file) =>
      `${file}: is not an app module (.ts); move it out of the apps folder so nothing is skipped silently`,
  );
  const planned: PlannedApp[] = [];
  const reserved = new Set([
    ...RESERVED_NAMESPACES,
    contracts.network.publicTraefikNamespace,
    contracts.network.privateTraefikNamespace,
    contracts.network.piholeNamespace,
    contracts.storage.longhornNamespace,
  ]);
  const reservedHosts = new Set([
    hostOfUrl(contracts.auth.tinyauthUrl),
    hostOfUrl(contracts.auth.pocketIdIssuerUrl),
    ...contracts.auth.uiHosts,
    contracts.network.externalHostname,
  ]);

  for (const source of sources) {
    const fail = (text: string) => errors.push(`${source.file}: ${text}`);
    if (!source.load.ok) {
      fail(`does not load: ${source.load.error}`);
      continue;
    }
    let value = source.load.value;
    if (typeof value === "function") {
      try {
        value = (value as (c: AppContracts) => unknown)(contracts);
      } catch (error) {
        fail(`its default export threw: ${message(error)}`);
        continue;
      }
    }
    if (!isAppSpec(value)) {
      fail("has no default export of an app: write `export default pipe(app(...), ...)`");
      continue;
    }
    const spec = value;
    const expected = basename(source.file, ".ts");
    const problems = validateApp(spec).map(formatProblem);
    if (spec.name !== expected)
      problems.push(
        `app ${spec.name}: is defined in ${source.file}; name the file ${spec.name}.ts or the app ${expected}`,
      );
    if (reserved.has(namespaceOf(spec)))
      problems.push(
        `app ${spec.name}: its namespace ${namespaceOf(spec)} belongs to the platform; pick another app name or namespace`,
      );
    if (problems.length > 0) {
      for (const problem of problems) fail(problem);
      continue;
    }
    const rendered = renderApp(spec, contracts, secrets);
    if (rendered.isErr()) {
      for (const problem of rendered.error) fail(formatProblem(problem));
      continue;
    }
    for (const exposure of spec.exposures) {
      const host = `${exposure.subdomain}.${contracts.network.domain}`;
      if (host === contracts.network.externalHostname)
        fail(
          `app ${spec.name}: ${host} is the network layer's external_record; pick another subdomain, or rename external_record in the network config`,
        );
      else if (reservedHosts.has(host))
        fail(`app ${spec.name}: ${host} is taken by the platform; pick another subdomain`);
    }
    planned.push({ file: source.file, spec, objects: rendered.value });
  }

  // Across apps: names that share one cluster-wide space, and hosts.
  const seen = new Map<string, string>();
  for (const { file, spec, objects } of planned) {
    const claims = [
      ...objects
        .filter((o) => o.object.kind === "PersistentVolume")
        .map((o) => `PersistentVolume ${o.object.metadata.name}`),
      // One host on both classes is one claim of the app's.
      ...new Set(spec.exposures.map((exposure) => `host ${exposure.subdomain}.${contracts.network.domain}`)),
    ];
    for (const claim of claims) {
      const owner = seen.get(claim);
      if (owner)
        errors.push(`${file}: ${claim} is also defined by ${owner}; rename one of the volumes or subdomains`);
      else seen.set(claim, file);
    }
  }
  const shared = sharedOnce(planned);
  errors.push(...shared.conflicts);
  for (const problem of checkReferences(shared.apps.flatMap((p) => p.objects.map((o) => o.object))))
    errors.push(`reference check: ${problem}`);
  const used = planned.flatMap(({ spec }) => spec.secretEnv.map(({ key }) => ({ app: spec.name, key })));
  for (const { app, key } of unusedSecrets(secrets, used)) {
    errors.push(
      `config: app_secrets.${app}.${key} is set but no app reads it (a typo?); remove it with pulumi config rm --path 'app_secrets.${app}.${key}', or read it with withSecretEnv`,
    );
  }
  return errors.length > 0 ? err(errors) : ok(shared.apps);
};

/** Apps sharing a namespace each render it: the first app that renders an object keeps it. */
const sharedOnce = (planned: readonly PlannedApp[]): { apps: PlannedApp[]; conflicts: string[] } =>
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
