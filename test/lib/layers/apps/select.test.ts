/** Which app files a stack runs (lib/layers/apps/select.ts), and the apps layer built from that choice. */
import { describe, expect, test } from "bun:test";
import { app } from "../../../../lib/app/index.ts";
import { formatProblem } from "../../../../lib/core/problem.ts";
import { appsLayer } from "../../../../lib/layers/apps/layer.ts";
import type { AppSource } from "../../../../lib/layers/apps/plan.ts";
import { selectApps } from "../../../../lib/layers/apps/select.ts";
import { CONTRACTS } from "../../../support/apps.ts";
import { runLayerOffline } from "../../../support/layers.ts";

const source = (name: string): AppSource => ({
  file: `${name}.ts`,
  load: { ok: true, value: app(name, { image: "traefik/whoami:v1.11.0", port: 8080 }) },
});
const SOURCES = ["blog", "demo", "miniflux"].map(source);
const files = (sources: readonly AppSource[]) => sources.map((s) => s.file);

describe("selectApps", () => {
  test("unset runs every app file (what only the example stack may rely on)", () => {
    const { selected, skipped, problems } = selectApps(SOURCES, undefined);
    expect(files(selected)).toEqual(["blog.ts", "demo.ts", "miniflux.ts"]);
    expect([skipped, problems]).toEqual([[], []]);
  });

  test("a list runs those files only, in folder order, and names the others", () => {
    const { selected, skipped, problems } = selectApps(SOURCES, ["miniflux", "blog", "blog"]);
    expect(files(selected)).toEqual(["blog.ts", "miniflux.ts"]);
    expect(skipped).toEqual(["demo.ts"]);
    expect(problems).toEqual([]);
  });

  test("an empty list runs none", () => {
    expect(selectApps(SOURCES, []).selected).toEqual([]);
  });

  test("a name no file defines is a problem naming it, the files there and the fix", () => {
    const [found, ...rest] = selectApps(SOURCES, ["demo", "minflux"]).problems;
    expect(rest).toEqual([]);
    expect(formatProblem(found ?? ({} as never))).toContain(
      'apps: apps = "minflux" names minflux, but programs/apps/apps/ has no minflux.ts',
    );
    expect(found?.fix).toBe(
      "use the name of an app file (blog, demo, miniflux), add minflux.ts, or take minflux out of apps",
    );
  });
});

describe("the apps layer runs the chosen apps", () => {
  const layer = appsLayer({ sources: SOURCES, strays: [] });

  test("objects of the listed apps only", () => {
    const run = runLayerOffline(layer, { apps: "demo" }, CONTRACTS);
    const namespaces = run.objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
    expect(namespaces).toEqual(["demo"]);
  });

  test("a misspelt name is reported together with every problem of the apps it does run", () => {
    const broken = appsLayer({
      sources: [...SOURCES, { file: "wiki.ts", load: { ok: false, error: "it threw" } }],
      strays: [],
    });
    const failure = (() => {
      try {
        runLayerOffline(broken, { apps: "wiki,minflux" }, CONTRACTS);
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(failure).toContain("names minflux");
    expect(failure).toContain("wiki.ts: does not load: it threw");
  });
});
