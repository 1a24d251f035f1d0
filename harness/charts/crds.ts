/**
 * The pinned charts' CRDs, obtained from each chart's own Helm repository (as pinned beside the
 * chart) on first use and kept under ~/.cache/homelab/crds/<chart>-<version>/ (XDG_CACHE_HOME
 * respected), one file per CRD named after it: the same layout as an offline copy given with
 * `--crds DIR`. `<repo>/index.yaml` gives the version's tarball; from it come the files of the
 * chart's `crds/` folders or, for charts whose CRDs are templates, the templates that define a
 * CustomResourceDefinition, read with the chart's defaults (see `readTemplate`). Only CRDs of the
 * groups the chart's facts name are kept (metallb's frr-k8s ones come only with a subchart that
 * stays off).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parseTar } from "nanotar";
import { err, ok, type Result } from "neverthrow";
import { parse } from "yaml";
import type { ChartFacts } from "../../lib/charts/chartFacts.ts";
import { cacheRoot } from "../gobuild/cache.ts";
import { hasGoModule, moduleCrds } from "./moduleCrds.ts";

/** The folder of one chart's CRDs (and of its stand-in chart): `<chart>-<version>`. */
export const standInChartName = (chart: { chart: string; version: string }): string =>
  `${chart.chart}-${chart.version}`;

export interface PinnedChart {
  chart: string;
  version: string;
  repo: string;
  facts: ChartFacts;
}

/** Where the downloaded CRDs are kept: one folder per chart and version below it. */
const crdCacheDir = (root = cacheRoot()): string => join(root, "crds");

type Fetch = (url: string) => Promise<Response>;

const TIMEOUT_MS = 120_000;
const defaultFetch: Fetch = (url) => fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });

interface ChartFile {
  /** Path inside the chart, from the chart's own folder: `crds/x.yaml`, `charts/crds/templates/crds.yaml`. */
  path: string;
  text: string;
}

/** Every file of a chart tarball (subcharts' folders and packed subcharts included), paths from the chart's folder. */
const chartFiles = (tgz: Uint8Array): ChartFile[] =>
  parseTar(gunzipSync(tgz))
    .filter((entry) => (entry.type === undefined || entry.type === "file") && entry.data)
    .flatMap((entry) => {
      const path = entry.name.split("/").slice(1).join("/");
      if (/^(charts\/[^/]+\/)*charts\/[^/]+\.tgz$/.test(path) && entry.data)
        return chartFiles(entry.data).map((file) => ({
          ...file,
          path: `${path.replace(/\.tgz$/, "")}/${file.path}`,
        }));
      return [{ path, text: entry.text }];
    });

/** Files of the chart's (and its subcharts') `crds/` folders, or of their `templates/` folders. */
const isIn = (path: string, folder: "crds" | "templates"): boolean =>
  new RegExp(`^(charts/[^/]+/)*${folder}/.+\\.ya?ml$`).test(path);

const HELM = "__helm_template__";
const ACTION = /\{\{-?[\s\S]*?-?\}\}/g;

/** The values `helm template` gives without a release name or namespace (as ../shared/reference/crds was rendered). */
const builtIn = (chart: PinnedChart): Record<string, string> => ({
  ".Release.Namespace": "default",
  ".Release.Name": chart.chart,
  ".Chart.Name": chart.chart,
  ".Chart.Version": chart.version,
});

/**
 * A CRD template read as Helm renders it with the chart's defaults and the CRD switch on: lines
 * that are only actions (`if`/`with`/`end`, an `include … | nindent`) are dropped, `.Release.*`
 * and `.Chart.*` are filled in, any other action becomes a marker that may stand only in a label
 * or annotation (dropped there). An `else` or `range` cannot be read this way and is refused.
 */
const readTemplate = (chart: PinnedChart, text: string): Result<string, string> => {
  const values = builtIn(chart);
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    const bare = line.replace(ACTION, "").trim();
    const actions = line.match(ACTION) ?? [];
    if (actions.some((action) => /^\{\{-?\s*(else|range|define|block)\b/.test(action)))
      return err(`line "${line.trim()}": a branch or loop, which only Helm can read`);
    if (actions.length > 0 && bare === "") continue;
    lines.push(
      line
        // `labels: {{- include "x.labels" . | nindent 4 }}`: what follows, more indented, is the map.
        .replace(/:\s*\{\{-?[^}]*\b(n?indent)\b[^}]*\}\}\s*$/, ":")
        .replace(ACTION, (action) => {
          const expression = action.replace(/^\{\{-?\s*|\s*-?\}\}$/g, "");
          return values[expression] ?? HELM;
        }),
    );
  }
  return ok(lines.join("\n"));
};

type Crd = {
  kind?: string;
  apiVersion?: string;
  metadata?: Record<string, unknown>;
  spec?: { group?: string };
};

/** Drops the labels and annotations Helm would have filled in; the path of any other templated field. */
const settle = (crd: Crd): string | undefined => {
  for (const key of ["labels", "annotations"]) {
    const map = crd.metadata?.[key];
    if (map === null || typeof map !== "object") {
      if (crd.metadata && key in crd.metadata) delete crd.metadata[key];
      continue;
    }
    for (const [name, value] of Object.entries(map))
      if (value === null || String(value).includes(HELM)) delete (map as Record<string, unknown>)[name];
  }
  const find = (value: unknown, path: string): string | undefined => {
    if (typeof value === "string") return value.includes(HELM) ? path : undefined;
    if (value && typeof value === "object")
      for (const [key, child] of Object.entries(value)) {
        const found = find(child, `${path}.${key}`);
        if (found) return found;
      }
    return undefined;
  };
  return find(crd, "");
};

/**
 * The documents of a YAML text, with Bun's parser (a 7,000-line CRD in milliseconds; the yaml
 * library's document API took most of an extraction): several documents come back as an array.
 */
const yamlDocuments = (text: string): Result<unknown[], string> => {
  try {
    const parsed: unknown = Bun.YAML.parse(text);
    return ok(Array.isArray(parsed) && /^---/m.test(text) ? parsed : [parsed]);
  } catch (error) {
    return err((error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "");
  }
};

/** The CRDs (name → YAML) of the facts' groups in a chart tarball, or what is wrong with it. */
export const extractCrds = (chart: PinnedChart, tgz: Uint8Array): Result<Map<string, string>, string> => {
  const source = chart.facts.crds;
  if (!source) return ok(new Map());
  let files: ChartFile[];
  try {
    files = chartFiles(tgz);
  } catch (error) {
    return err(`not a chart tarball (${error instanceof Error ? error.message : String(error)})`);
  }
  const folder = source.from === "crds/" ? "crds" : "templates";
  const crds = new Map<string, string>();
  const found = new Set<string>();
  for (const file of files.filter(({ path }) => isIn(path, folder))) {
    if (!/^\s*kind:\s*["']?CustomResourceDefinition["']?\s*$/m.test(file.text)) continue;
    const text = folder === "templates" ? readTemplate(chart, file.text) : ok(file.text);
    if (text.isErr()) return err(`${file.path}: ${text.error}`);
    const documents = yamlDocuments(text.value);
    if (documents.isErr()) return err(`${file.path}: not YAML once read (${documents.error})`);
    for (const crd of documents.value as (Crd | null)[]) {
      if (crd?.kind !== "CustomResourceDefinition") continue;
      if (!source.groups.includes(crd.spec?.group ?? "")) continue;
      const name = crd.metadata?.name;
      if (typeof name !== "string" || !name) return err(`${file.path}: a CRD without a name`);
      const templated = settle(crd);
      if (templated)
        return err(`${file.path}: ${name}: ${templated} is templated, which only Helm can fill in`);
      // Written as JSON, which is YAML too and reads back exactly (a YAML dump of a 7,000-line CRD
      // and its re-parse cost far more than the rest of the extraction).
      crds.set(name, `${JSON.stringify(crd, null, 2)}\n`);
      found.add(crd.spec?.group ?? "");
    }
  }
  const missing = source.groups.filter((group) => !found.has(group));
  if (missing.length > 0)
    return err(
      `no CRD of ${missing.join(", ")} in the chart's ${folder === "crds" ? "crds/ folder" : "templates"}`,
    );
  return ok(crds);
};

const get = async (fetcher: Fetch, url: string): Promise<Result<Response, string>> => {
  try {
    const response = await fetcher(url);
    return response.ok
      ? ok(response)
      : err(`${url} answered ${response.status} ${response.statusText}`.trim());
  } catch (error) {
    return err(`${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** The tarball URL of the chart's pinned version, from the repository's index.yaml. */
const tarballUrl = async (chart: PinnedChart, fetcher: Fetch): Promise<Result<string, string>> => {
  const base = chart.repo.endsWith("/") ? chart.repo : `${chart.repo}/`;
  if (!URL.canParse(base)) return err(`${chart.repo} is no URL`);
  const indexUrl = new URL("index.yaml", base).href;
  const response = await get(fetcher, indexUrl);
  if (response.isErr()) return err(response.error);
  let index: { entries?: Record<string, { version?: string; urls?: string[] }[]> };
  try {
    index = parse(await response.value.text(), { maxAliasCount: -1 }) ?? {};
  } catch (error) {
    return err(`${indexUrl}: not a chart index (${error instanceof Error ? error.message : String(error)})`);
  }
  const url = index.entries?.[chart.chart]?.find((entry) => entry.version === chart.version)?.urls?.[0];
  return url
    ? ok(new URL(url, base).href)
    : err(`${indexUrl} lists no version ${chart.version} of ${chart.chart}`);
};

/**
 * The folder of one chart's CRDs in the cache, downloaded first if it is not there yet (written
 * whole or not at all). Charts without CRDs are skipped (undefined).
 */
export const chartCrds = async (
  chart: PinnedChart,
  options: { cache?: string; fetch?: Fetch; onDownload?: (what: string) => void } = {},
): Promise<Result<string | undefined, string>> => {
  if (!chart.facts.crds) return ok(undefined);
  const cache = options.cache ?? crdCacheDir();
  if (hasGoModule(chart)) return moduleCrds(chart, { ...options, cache });
  const folder = join(cache, standInChartName(chart));
  if (existsSync(folder)) return ok(folder);
  const fetcher = options.fetch ?? defaultFetch;
  const what = `${chart.chart} ${chart.version} from ${chart.repo}`;
  const failed = (why: string) => err(`the CRDs of ${what} could not be obtained: ${why}`);
  options.onDownload?.(what);
  const url = await tarballUrl(chart, fetcher);
  if (url.isErr()) return failed(url.error);
  const response = await get(fetcher, url.value);
  if (response.isErr()) return failed(response.error);
  const crds = extractCrds(chart, new Uint8Array(await response.value.arrayBuffer()));
  if (crds.isErr()) return failed(`${url.value}: ${crds.error}`);
  return cacheCrds(folder, crds.value).orElse(failed);
};

/**
 * Writes CRDs (name -> YAML) as the cache folder `folder`, all at once: into a partial folder,
 * then renamed, so a run that stops halfway leaves no folder that looks complete.
 */
export const cacheCrds = (folder: string, crds: Iterable<[string, string]>): Result<string, string> => {
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  for (const [name, text] of crds) writeFileSync(join(partial, `${name}.yaml`), text);
  try {
    renameSync(partial, folder);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // Another run put it there first.
    if (!existsSync(folder)) return err(error instanceof Error ? error.message : String(error));
  }
  return ok(folder);
};

/** Every pinned chart's CRDs in the cache (downloaded once); the cache folder, one folder per chart. */
export const pinnedCrds = async (
  charts: readonly PinnedChart[],
  options: { cache?: string; fetch?: Fetch; onDownload?: (what: string) => void } = {},
): Promise<Result<string, string>> => {
  const cache = options.cache ?? crdCacheDir();
  for (const chart of charts) {
    const folder = await chartCrds(chart, { ...options, cache });
    if (folder.isErr()) return err(folder.error);
  }
  return ok(cache);
};

/** What is wrong with an offline copy (`--crds DIR`): no such folder, or no folder for a pinned chart with CRDs. */
export const offlineCopyProblems = (dir: string, charts: readonly PinnedChart[]): string[] =>
  existsSync(dir)
    ? charts
        // Module-sourced CRDs are not what a chart ships: they come from the Go proxy (moduleCrds.ts).
        .filter(
          (chart) =>
            chart.facts.crds && !hasGoModule(chart) && !existsSync(join(dir, standInChartName(chart))),
        )
        .map((chart) => `--crds ${dir}: no folder ${standInChartName(chart)} (the CRDs of a pinned chart)`)
    : [`--crds ${dir}: no such folder (the pinned charts' CRDs, one folder per chart)`];
