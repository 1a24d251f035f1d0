/**
 * The pinned charts' CRDs downloaded from a chart repository (harness/charts/crds.ts), against a
 * repository served on 127.0.0.1 with charts built here: one with a `crds/` folder, one whose CRDs
 * are templates (Helm syntax, a subchart of another group); the cache reused without a request;
 * a missing version, a refusing server and a template only Helm can read fail naming the chart,
 * the version and the URL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createTar } from "nanotar";
import { parse, stringify } from "yaml";

/** What the round trip reads of a CRD. */
interface CrdLike {
  metadata: Record<string, unknown> & { name: string };
  spec: { group: string };
}

import {
  chartCrds,
  extractCrds,
  offlineCopyProblems,
  type PinnedChart,
  pinnedCrds,
  standInChartName,
} from "../../../harness/charts/crds.ts";
import { hasGoModule } from "../../../harness/charts/moduleCrds.ts";
import { PINNED_CHARTS } from "../../../harness/engine/standInCharts.ts";

const crd = (plural: string, group: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    names: { kind: plural.replace(/s$/, ""), plural },
    scope: "Namespaced",
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
    ...extra,
  },
});

const WIDGETS = crd("widgets", "plain.example.io");
const GIZMOS = crd("gizmos", "plain.example.io");

/** A CRD template as charts write them: a switch, labels from helpers, the release's namespace. */
const GADGETS_TEMPLATE = `{{- if .Values.crds.enabled }}
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: "gadgets.templated.example.io"
  {{- if .Values.crds.keep }}
  annotations:
    helm.sh/resource-policy: keep
  {{- end }}
  labels: {{- include "templated.labels" . | nindent 4 }}
    app: {{ include "templated.name" . }}
    app.kubernetes.io/instance: '{{ .Release.Name }}'
    app.kubernetes.io/component: "crds"
spec:
  conversion:
    strategy: Webhook
    webhook:
      clientConfig:
        service:
          name: templated-webhook
          namespace: {{ .Release.Namespace }}
          path: /convert
      conversionReviewVersions: ["v1"]
  group: templated.example.io
  names:
    kind: Gadget
    plural: gadgets
  scope: Cluster
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
{{- end }}
`;

const tgz = (files: Record<string, string>): Uint8Array =>
  gzipSync(createTar(Object.entries(files).map(([name, data]) => ({ name, data }))));

const PLAIN_TGZ = tgz({
  "plain/Chart.yaml": "apiVersion: v2\nname: plain\nversion: 1.0.0\n",
  "plain/crds/widgets.yaml": stringify(WIDGETS),
  "plain/crds/more.yaml": `---\n${stringify(GIZMOS)}`,
  "plain/templates/deployment.yaml": "{{- range .Values.x }}\nkind: Deployment\n{{- end }}\n",
});
const TEMPLATED_TGZ = tgz({
  "templated/Chart.yaml": "apiVersion: v2\nname: templated\nversion: 2.0.0\n",
  "templated/templates/_helpers.tpl": '{{- define "templated.name" -}}templated{{- end }}\n',
  "templated/templates/deployment.yaml":
    "kind: Deployment\n{{- if .Values.a }}\nx: 1\n{{- else }}\nx: 2\n{{- end }}\n",
  "templated/charts/crds/Chart.yaml": "apiVersion: v2\nname: crds\nversion: 2.0.0\n",
  "templated/charts/crds/templates/crds.yaml": GADGETS_TEMPLATE,
  // A subchart that stays off: its group is not among the chart's facts.
  "templated/charts/extra/templates/crds.yaml": stringify(crd("others", "extra.example.io")),
});
const BRANCHED_TGZ = tgz({
  "branched/templates/crds.yaml": `kind: CustomResourceDefinition\n{{- if .Values.a }}\nspec: {}\n{{- else }}\nspec: {}\n{{- end }}\n`,
});

const index = (chart: string, version: string, url: string) =>
  stringify({ apiVersion: "v1", entries: { [chart]: [{ name: chart, version, urls: [url] }] } });

let server: ReturnType<typeof Bun.serve>;
let base = "";
const requests: string[] = [];
let cache = "";

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const routes: Record<string, () => Response> = {
        // An absolute tarball URL, as most repositories list.
        "/plain/index.yaml": () => new Response(index("plain", "1.0.0", `${base}/plain/plain-1.0.0.tgz`)),
        "/plain/plain-1.0.0.tgz": () => new Response(PLAIN_TGZ),
        // A relative one.
        "/templated/index.yaml": () => new Response(index("templated", "v2.0.0", "templated-v2.0.0.tgz")),
        "/templated/templated-v2.0.0.tgz": () => new Response(TEMPLATED_TGZ),
        "/branched/index.yaml": () => new Response(index("branched", "1.0.0", "branched-1.0.0.tgz")),
        "/branched/branched-1.0.0.tgz": () => new Response(BRANCHED_TGZ),
        "/gone/index.yaml": () => new Response(index("gone", "1.0.0", "gone-1.0.0.tgz")),
      };
      return routes[path]?.() ?? new Response("refused", { status: 403, statusText: "Forbidden" });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  cache = mkdtempSync(join(tmpdir(), "chart-crds-test-"));
});

afterAll(() => {
  server.stop(true);
  rmSync(cache, { recursive: true, force: true });
});

const pin = (chart: string, version: string, repo: string, from: "crds/" | "templates", groups: string[]) =>
  ({
    chart,
    version,
    repo: `${base}/${repo}`,
    facts: { crds: { from, groups }, tolerations: [] },
  }) satisfies PinnedChart;

const files = (folder: string): Record<string, unknown> =>
  Object.fromEntries(
    readdirSync(folder).map((file) => [file, parse(readFileSync(join(folder, file), "utf8"))]),
  );

describe("CRDs downloaded from a chart repository on 127.0.0.1", () => {
  test("a chart's crds/ folder: every CRD, one file each; the cache reused without a request", async () => {
    const plain = pin("plain", "1.0.0", "plain", "crds/", ["plain.example.io"]);
    const folder = await chartCrds(plain, { cache });
    expect(folder._unsafeUnwrap()).toBe(join(cache, "plain-1.0.0"));
    expect(files(join(cache, "plain-1.0.0"))).toEqual({
      "widgets.plain.example.io.yaml": WIDGETS,
      "gizmos.plain.example.io.yaml": GIZMOS,
    });
    expect(requests.filter((path) => path.startsWith("/plain/"))).toEqual([
      "/plain/index.yaml",
      "/plain/plain-1.0.0.tgz",
    ]);
    const before = requests.length;
    expect((await chartCrds(plain, { cache }))._unsafeUnwrap()).toBe(join(cache, "plain-1.0.0"));
    expect(requests.length).toBe(before);
  });

  test("templated CRDs (in a subchart): read with the defaults, labels Helm fills dropped, other groups left out", async () => {
    const templated = pin("templated", "v2.0.0", "templated/", "templates", ["templated.example.io"]);
    const result = await chartCrds(templated, { cache });
    const folder = result._unsafeUnwrap() ?? "";
    const written = files(folder);
    expect(Object.keys(written)).toEqual(["gadgets.templated.example.io.yaml"]);
    const gadgets = written["gadgets.templated.example.io.yaml"] as ReturnType<typeof crd>;
    expect(gadgets.metadata).toEqual({
      name: "gadgets.templated.example.io",
      annotations: { "helm.sh/resource-policy": "keep" },
      labels: { "app.kubernetes.io/instance": "templated", "app.kubernetes.io/component": "crds" },
    } as never);
    expect(gadgets.spec).toMatchObject({
      group: "templated.example.io",
      conversion: { webhook: { clientConfig: { service: { namespace: "default", path: "/convert" } } } },
    });
    expect(readFileSync(join(folder, "gadgets.templated.example.io.yaml"), "utf8")).not.toContain("{{");
  });

  test("every pinned chart at once: charts without CRDs are skipped, the cache folder returned, nothing fetched twice", async () => {
    const before = requests.length;
    const charts: PinnedChart[] = [
      pin("plain", "1.0.0", "plain", "crds/", ["plain.example.io"]),
      { chart: "none", version: "1.0.0", repo: `${base}/none`, facts: { tolerations: [] } },
    ];
    expect((await pinnedCrds(charts, { cache }))._unsafeUnwrap()).toBe(cache);
    expect(requests.length).toBe(before);
    expect(offlineCopyProblems(cache, charts)).toEqual([]);
    expect(offlineCopyProblems(cache, [pin("absent", "3.0.0", "absent", "crds/", ["x.io"])])).toEqual([
      `--crds ${cache}: no folder absent-3.0.0 (the CRDs of a pinned chart)`,
    ]);
  });

  // Pins made when the test runs, once the server's port is known.
  const failures: [string, () => PinnedChart, string[]][] = [
    [
      "a version the index does not list",
      () => pin("plain", "9.9.9", "plain", "crds/", ["plain.example.io"]),
      ["plain 9.9.9", "/plain/index.yaml lists no version 9.9.9 of plain"],
    ],
    [
      "a repository that refuses",
      () => pin("refused", "1.0.0", "refused", "crds/", ["x.io"]),
      ["refused 1.0.0", "/refused/index.yaml answered 403 Forbidden"],
    ],
    [
      "a tarball the server refuses",
      () => pin("gone", "1.0.0", "gone", "crds/", ["x.io"]),
      ["gone 1.0.0", "/gone/gone-1.0.0.tgz answered 403 Forbidden"],
    ],
    [
      "a CRD template with a branch only Helm can read",
      () => pin("branched", "1.0.0", "branched", "templates", ["x.io"]),
      ["branched 1.0.0", "branched-1.0.0.tgz: templates/crds.yaml", "only Helm can read"],
    ],
    [
      "a chart without CRDs of a group its facts name",
      () => pin("plain", "1.0.0", "plain", "crds/", ["plain.example.io", "missing.example.io"]),
      ["plain 1.0.0", "no CRD of missing.example.io in the chart's crds/ folder"],
    ],
  ];
  for (const [name, pinned, expected] of failures)
    test(`${name}: an error naming the chart, the version and the URL; nothing cached`, async () => {
      const chart = pinned();
      const own = mkdtempSync(join(cache, "failing-"));
      const result = await chartCrds(chart, { cache: own });
      expect(result.isErr()).toBe(true);
      const message = result._unsafeUnwrapErr();
      expect(message).toContain(`the CRDs of ${chart.chart} ${chart.version} from ${chart.repo}`);
      expect(message).toContain(base);
      for (const part of expected) expect(message).toContain(part);
      expect(readdirSync(own)).toEqual([]);
    });

  test("an unreachable repository fails the same way", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}/charts`;
    closed.stop(true);
    const own = join(cache, "unreachable");
    mkdirSync(own);
    const result = await chartCrds(
      { ...pin("x", "1.0.0", "", "crds/", ["x.io"]), repo: url },
      { cache: own },
    );
    expect(result._unsafeUnwrapErr()).toContain(
      `the CRDs of x 1.0.0 from ${url} could not be obtained: ${url}/index.yaml`,
    );
    expect(existsSync(join(own, "x-1.0.0"))).toBe(false);
  });
});

const REFERENCE = join(import.meta.dirname, "../../../../shared/reference/crds");

/**
 * Each pinned chart's reference CRDs packed as the real chart ships them (`crds/` folder, or
 * templates behind the switch with the labels Helm fills in) read back the same: every CRD of the
 * facts' groups, each spec unchanged.
 */
describe.skipIf(!existsSync(REFERENCE))(
  "the pinned charts' CRDs read back from charts shaped like the real ones",
  () => {
    // Charts whose CRDs come from a Go module are not in the reference copy (moduleCrds.test.ts).
    for (const chart of PINNED_CHARTS.filter((pinned) => pinned.facts.crds && !hasGoModule(pinned)))
      test(`${chart.chart} ${chart.version}`, () => {
        const source = chart.facts.crds;
        const folder = join(REFERENCE, standInChartName(chart));
        // Bun's YAML parser: the same tree as the yaml library's for these CRDs, many times faster.
        const reference = readdirSync(folder).map(
          (file) => Bun.YAML.parse(readFileSync(join(folder, file), "utf8")) as CrdLike,
        );
        const wanted = reference.filter((object) => source?.groups.includes(object.spec.group));
        expect(wanted.length).toBeGreaterThan(0);
        const templated = (object: { metadata: Record<string, unknown> }) =>
          [
            "{{- if .Values.crds.enabled }}",
            Bun.YAML.stringify(
              { ...object, metadata: { ...object.metadata, labels: undefined } },
              null,
              2,
            ).replace(/^metadata:\n/m, 'metadata:\n  labels: {{- include "x.labels" . | nindent 4 }}\n'),
            "{{- end }}",
          ].join("\n");
        const files =
          source?.from === "crds/"
            ? reference.map((object, index) => [`c/crds/${index}.yaml`, Bun.YAML.stringify(object, null, 2)])
            : [["c/templates/crds.yaml", reference.map(templated).join("\n---\n")]];
        const crds = extractCrds(chart, tgz(Object.fromEntries(files)))._unsafeUnwrap();
        expect([...crds.keys()].sort()).toEqual(wanted.map((object) => object.metadata.name).sort());
        for (const object of wanted)
          expect((Bun.YAML.parse(crds.get(object.metadata.name) ?? "") as CrdLike).spec).toEqual(object.spec);
      });
  },
);
