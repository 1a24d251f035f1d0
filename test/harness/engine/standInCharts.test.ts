/** The stand-in charts `bun run e2e` installs (harness/engine/standInCharts.ts): one per pinned chart, only its CRDs. */
import { describe, expect, test } from "bun:test";
import { PINNED_CHARTS, standInChartFiles } from "../../../harness/engine/standInCharts.ts";
import { charts as networkCharts } from "../../../lib/layers/network/versions.ts";
import { CSI_DRIVER_NFS } from "../../../lib/layers/storage/versions.ts";
import { renderedStack } from "../../support/render.ts";

describe("stand-in charts", () => {
  const crd = (file: string) => ({ file, text: `# ${file}\n` });

  test("only the groups the real chart installs (MetalLB without frr-k8s), in templates", () => {
    const files = standInChartFiles(networkCharts.metallb, [
      crd("ipaddresspools.metallb.io.yaml"),
      crd("frrconfigurations.frrk8s.metallb.io.yaml"),
    ]);
    expect(Object.keys(files).sort()).toEqual(["Chart.yaml", "templates/ipaddresspools.metallb.io.yaml"]);
    expect(files["Chart.yaml"]).toContain("name: metallb\nversion: 0.16.1\n");
  });

  test("a chart shipping CRDs in crds/ gets them there, so skipCrds leaves them out as it would", () => {
    const files = standInChartFiles(networkCharts.externalDns, [crd("dnsendpoints.externaldns.k8s.io.yaml")]);
    expect(Object.keys(files)).toContain("crds/dnsendpoints.externaldns.k8s.io.yaml");
  });

  test("a chart without CRDs is an empty chart; a v-prefixed version is a valid chart version", () => {
    expect(Object.keys(standInChartFiles(CSI_DRIVER_NFS, []))).toEqual(["Chart.yaml"]);
    expect(standInChartFiles(networkCharts.certManager, [])["Chart.yaml"]).toContain("version: 1.21.1\n");
  });
});

describe("pinned charts", () => {
  test("every chart the example stack releases has a stand-in, so a new pin cannot be missed", async () => {
    const pinned = new Set(PINNED_CHARTS.map((chart) => `${chart.chart}@${chart.version}`));
    const released = (await renderedStack()).flatMap((layer) =>
      layer.documents.helm.map(({ body }) => `${body.chart}@${body.version}`),
    );
    expect(released.length).toBeGreaterThan(0);
    expect(released.filter((chart) => !pinned.has(chart))).toEqual([]);
  });
});
