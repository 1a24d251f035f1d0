/**
 * The drawn plan of a stack with 50 generated apps (the benchmark's generator: NFS and Longhorn
 * volumes, private and public ingresses behind auth, Postgres): every host, IP and layer is drawn.
 * One render and one layout for the file.
 */
import { describe, expect, test } from "bun:test";
import type { NetworkContract } from "../../lib/core/contracts.ts";
import { LAYERS } from "../../lib/core/layerNames.ts";
import { drawCluster } from "../../lib/render/drawing/draw.ts";
import { escapeXml } from "../../lib/render/drawing/svg.ts";
import { hostRoutes } from "../../lib/render/routes.ts";
import { summarize } from "../../lib/render/summary.ts";
import { generatedStack } from "../support/render.ts";
import { renderWithApps } from "../support/safety.ts";

const APPS = 50;

const renderFifty = async () => {
  const { appsDir, root } = generatedStack(APPS);
  const layers = (await renderWithApps(appsDir, root))._unsafeUnwrap();
  const drawing = await drawCluster("example", layers, summarize("example", layers));
  return { layers, drawing };
};

describe(`the drawn plan of a stack with ${APPS} generated apps`, () => {
  const fifty = renderFifty();

  test("shows every host, every fixed IP, the pool, the NAS and every layer", async () => {
    const { layers, drawing } = await fifty;
    const network = layers[0]?.outputs as NetworkContract;
    const hosts = [
      ...new Set(
        layers.flatMap((layer) => layer.documents.kubernetes.flatMap(({ body }) => hostRoutes(body))),
      ),
    ].map((route) => route.host);
    expect(hosts.filter((host) => host.startsWith("bench-")).length).toBeGreaterThanOrEqual(APPS);
    const wanted = [
      ...hosts,
      network.publicIngressIp,
      network.privateIngressIp,
      network.dnsServerIp,
      "192.168.4.80-192.168.4.100",
      "NAS nas.lan",
      ...LAYERS.map((layer) => `${layer} (`),
    ];
    expect(wanted.filter((text) => !drawing.svg.includes(escapeXml(text)))).toEqual([]);
  });

  test("draws one box per volume, each Longhorn volume with its backup time, and no box overlaps another", async () => {
    const { drawing } = await fifty;
    const claims = drawing.svg.match(/<text class="title"[^>]*>(claim|Postgres) bench-/g) ?? [];
    expect(claims.length).toBeGreaterThanOrEqual(APPS);
    expect(drawing.svg).toContain("volume-backup: daily 03:00 local");
    // Coordinates are per section (each is translated below the one before).
    const sections = drawing.svg.split('<g class="section"').slice(1);
    expect(sections).toHaveLength(3);
    const overlapping = sections.flatMap((section) => {
      const boxes = [
        ...section.matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" rx="6"/g),
      ].map((match) => match.slice(1, 5).map(Number) as [number, number, number, number]);
      return boxes.filter(([x, y, w, h], i) =>
        boxes.some(([x2, y2, w2, h2], j) => j > i && x < x2 + w2 && x2 < x + w && y < y2 + h2 && y2 < y + h),
      );
    });
    expect(overlapping).toEqual([]);
  });
});
