/**
 * CRDs of charts that read them from a file only Helm can (`.Files.Get`), taken instead from the Go
 * module their chart copies them from (lib/charts/chartFacts.ts, `goModule`): `go mod download`
 * through the Go module proxy (or the local module cache), kept like the other charts' CRDs under
 * ~/.cache/homelab/crds/<chart>-<version>/, one `<name>.yaml` per CRD. An offline copy given with
 * `--crds DIR` lacks them (it holds what the charts ship): `withModuleCrds` adds them beside it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { cacheRoot } from "../gobuild/cache.ts";
import { findGo } from "../gobuild/go.ts";
import { cacheCrds, type PinnedChart, standInChartName } from "./crds.ts";

type GoModule = { path: string; version: string; folder: string };

/** The Go module a chart's CRDs come from, if they come from one. */
const goModuleOf = (chart: PinnedChart): GoModule | undefined => {
  const crds = chart.facts.crds;
  return crds?.from === "templates" ? crds.goModule : undefined;
};

export const hasGoModule = (chart: PinnedChart): boolean => goModuleOf(chart) !== undefined;

/** The CRDs (name → JSON text) of `groups` among the YAML files of a module's folder. */
export const crdsInFolder = (
  folder: string,
  groups: readonly string[],
): Result<Map<string, string>, string> => {
  const crds = new Map<string, string>();
  for (const file of readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()) {
    let parsed: unknown;
    try {
      parsed = Bun.YAML.parse(readFileSync(join(folder, file), "utf8"));
    } catch (error) {
      return err(`${file}: not YAML (${error instanceof Error ? error.message : String(error)})`);
    }
    for (const doc of (Array.isArray(parsed) ? parsed : [parsed]) as {
      kind?: string;
      metadata?: { name?: string };
      spec?: { group?: string };
    }[]) {
      if (doc?.kind !== "CustomResourceDefinition" || !groups.includes(doc.spec?.group ?? "")) continue;
      const name = doc.metadata?.name;
      if (!name) return err(`${file}: a CRD without a name`);
      crds.set(name, `${JSON.stringify(doc, null, 2)}\n`);
    }
  }
  const found = new Set(
    [...crds.values()].map((text) => (JSON.parse(text) as { spec: { group: string } }).spec.group),
  );
  const missing = groups.filter((group) => !found.has(group));
  return missing.length > 0 ? err(`no CRD of ${missing.join(", ")} in ${folder}`) : ok(crds);
};

const GO_HELP =
  "Install Go 1.22 or newer (https://go.dev/dl/); the snapshot CRDs come from the Go module proxy.";

/** `go mod download -json path@version`: the module's folder in the local module cache. */
const downloadModule = (module: GoModule): Result<string, string> =>
  findGo([1, 22], GO_HELP).andThen((go) => {
    const work = mkdtempSync(join(tmpdir(), "module-crds-"));
    const run = Bun.spawnSync([go, "mod", "download", "-json", `${module.path}@${module.version}`], {
      cwd: work,
      env: { ...process.env, GOWORK: "off", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    });
    rmSync(work, { recursive: true, force: true });
    const out = run.stdout.toString();
    let info: { Dir?: string; Error?: string } = {};
    try {
      info = JSON.parse(out) as typeof info;
    } catch {
      return err(
        `go mod download ${module.path}@${module.version} failed: ${run.stderr.toString().trim() || out.trim()}`,
      );
    }
    return info.Dir
      ? ok(info.Dir)
      : err(`go mod download ${module.path}@${module.version}: ${info.Error ?? "no folder"}`);
  });

/** The cache folder of one module-sourced chart's CRDs, made first if absent (whole or not at all). */
export const moduleCrds = (
  chart: PinnedChart,
  options: { cache?: string; onDownload?: (what: string) => void } = {},
): Result<string, string> => {
  const module = goModuleOf(chart);
  if (!module) return err(`${chart.chart} ${chart.version} names no Go module for its CRDs`);
  const folder = join(options.cache ?? join(cacheRoot(), "crds"), standInChartName(chart));
  if (existsSync(folder)) return ok(folder);
  options.onDownload?.(`${chart.chart} ${chart.version} from the Go module ${module.path}@${module.version}`);
  const failed = (why: string) =>
    err(`the CRDs of ${chart.chart} ${chart.version} could not be obtained: ${why}`);
  const dir = downloadModule(module);
  if (dir.isErr()) return failed(dir.error);
  const crds = crdsInFolder(join(dir.value, module.folder), chart.facts.crds?.groups ?? []);
  if (crds.isErr()) return failed(crds.error);
  return cacheCrds(folder, crds.value).orElse(failed);
};

/**
 * A folder with every pinned chart's CRDs: `dir` itself when it has them all, else a temporary
 * folder linking each of `dir`'s chart folders and the module-sourced ones from the cache.
 */
export const withModuleCrds = (
  dir: string,
  charts: readonly PinnedChart[],
  options: { cache?: string; onDownload?: (what: string) => void } = {},
): Result<string, string> => {
  const missing = charts.filter(
    (chart) => hasGoModule(chart) && !existsSync(join(dir, standInChartName(chart))),
  );
  if (missing.length === 0) return ok(dir);
  const merged = mkdtempSync(join(tmpdir(), "crds-"));
  process.once("exit", () => rmSync(merged, { recursive: true, force: true }));
  for (const entry of readdirSync(dir)) symlinkSync(join(dir, entry), join(merged, entry));
  for (const chart of missing) {
    const folder = moduleCrds(chart, options);
    if (folder.isErr()) return err(folder.error);
    symlinkSync(folder.value, join(merged, standInChartName(chart)));
  }
  return ok(merged);
};
