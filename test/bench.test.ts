/** The pure parts of `bun run bench`: statistics, budgets, the printed table and the app generator. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAppSecrets } from "../lib/app/secrets.ts";
import { importApps, planApps } from "../lib/apps/plan.ts";
import { appName, generateApps } from "../lib/bench/apps.ts";
import {
  type AppsRun,
  type BenchResults,
  BUDGETS,
  checkBudgets,
  formatReport,
  perApp,
  summarize,
} from "../lib/bench/report.ts";
import { CONTRACTS } from "./support/apps.ts";
import { ROOT } from "./support/render.ts";

describe("summarize", () => {
  test("median of an odd count is the middle run; min and max; runs kept in order", () => {
    expect(summarize([900, 700, 1200, 800, 1000])).toEqual({
      runs: [900, 700, 1200, 800, 1000],
      median: 900,
      min: 700,
      max: 1200,
    });
  });
  test("median of an even count is the mean of the two middle runs", () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });
  test("a single run is its own median, min and max", () => {
    expect(summarize([42])).toEqual({ runs: [42], median: 42, min: 42, max: 42 });
  });
  test("no runs is an error, not NaN", () => {
    expect(() => summarize([])).toThrow("at least one run");
  });
});

describe("perApp", () => {
  test("is the marginal cost: the render minus the render without apps, per app", () => {
    expect(perApp(3500, 300, 500)).toBe(6.4);
  });
  test("never negative (noise can make the base slower) and 0 for no apps", () => {
    expect(perApp(100, 150, 10)).toBe(0);
    expect(perApp(100, 50, 0)).toBe(0);
  });
});

const appsRun = (apps: number, perAppMs: number): AppsRun => ({
  apps,
  resources: apps * 6,
  renderMs: 300 + apps * perAppMs,
  baseMs: 300,
  perAppMs,
  peakRssMb: 100 + apps,
  processMs: 1000 + apps * perAppMs,
});

const results = (overrides: Partial<BenchResults> = {}): BenchResults => ({
  render: summarize([800, 850, 900, 950, 1000]),
  apps: [appsRun(10, 8), appsRun(100, 7), appsRun(500, 7.5)],
  tests: { ...summarize([2500, 2600, 2700]), passed: true },
  node: summarize([2000, 2100, 2200]),
  ...overrides,
});

describe("checkBudgets", () => {
  test("within every budget: four passes with the measured figures", () => {
    expect(checkBudgets(results())).toEqual([
      { name: "full render (median, cold process)", limit: "< 1500 ms", actual: "900 ms", pass: true },
      { name: "render with 500 apps", limit: "< 5000 ms", actual: "4050 ms", pass: true },
      { name: "time per app does not grow (500 vs 100)", limit: "<= 1.5x", actual: "1.07x", pass: true },
      { name: "test suite (median)", limit: "< 5000 ms", actual: "2600 ms", pass: true },
    ]);
  });

  test("each budget misses on its own", () => {
    const slow = checkBudgets(
      results({
        render: summarize([1500, 1600, 1700]),
        apps: [appsRun(100, 5), appsRun(500, 9.5)],
        tests: { ...summarize([5000]), passed: true },
      }),
    );
    expect(slow.map((check) => [check.actual, check.pass])).toEqual([
      ["1600 ms", false],
      ["5050 ms", false],
      ["1.90x", false],
      ["5000 ms", false],
    ]);
  });

  test("growth exactly at the limit passes; a size that was not measured is a miss", () => {
    const atLimit = checkBudgets(
      results({ apps: [appsRun(100, 4), appsRun(500, 4 * BUDGETS.perAppGrowth)] }),
    );
    expect(atLimit[2]?.pass).toBe(true);
    const missing = checkBudgets(results({ apps: [appsRun(10, 8)] }));
    expect(missing.slice(1, 3)).toEqual([
      { name: "render with 500 apps", limit: "< 5000 ms", actual: "not measured", pass: false },
      {
        name: "time per app does not grow (500 vs 100)",
        limit: "<= 1.5x",
        actual: "not measured",
        pass: false,
      },
    ]);
  });
});

describe("formatReport", () => {
  test("prints the timings, the Bun/Node ratio, the apps table and the budgets, in Markdown", () => {
    const report = formatReport(results(), checkBudgets(results()));
    expect(report.split("\n")).toEqual([
      "| what | runs | median | min | max |",
      "|---|---:|---:|---:|---:|",
      "| full render, Bun (`bun cli/render.ts`) | 5 | 900 ms | 800 ms | 1000 ms |",
      "| full render, Node.js (`node --import tsx cli/render.ts`) | 3 | 2100 ms | 2000 ms | 2200 ms |",
      "| test suite (`bun test`) | 3 | 2600 ms | 2500 ms | 2700 ms |",
      "",
      "Bun/Node ratio (render medians): 0.43 (Node.js takes 2.3x as long)",
      "",
      "| apps | resources | stack render | per app | peak memory | child process |",
      "|---|---:|---:|---:|---:|---:|",
      "| 10 | 60 | 380 ms | 8.00 ms | 110 MB | 1080 ms |",
      "| 100 | 600 | 1000 ms | 7.00 ms | 200 MB | 1700 ms |",
      "| 500 | 3000 | 4050 ms | 7.50 ms | 600 MB | 4750 ms |",
      "",
      "Stack render: all four layers in one process, after a warm-up render, with that many generated apps (median of 3 renders). Per app: (stack render - the same render with no apps) / apps. Peak memory: the child's maxRSS.",
      "",
      "| budget | limit | measured | result |",
      "|---|---:|---:|---:|",
      "| full render (median, cold process) | < 1500 ms | 900 ms | pass |",
      "| render with 500 apps | < 5000 ms | 4050 ms | pass |",
      "| time per app does not grow (500 vs 100) | <= 1.5x | 1.07x | pass |",
      "| test suite (median) | < 5000 ms | 2600 ms | pass |",
    ]);
  });

  test("a miss is bold, and a failing test suite is said so next to its time", () => {
    const failing = results({ tests: { ...summarize([6000]), passed: false } });
    const report = formatReport(failing, checkBudgets(failing));
    expect(report).toContain("| test suite (`bun test`, had failures) | 1 | 6000 ms |");
    expect(report).toContain("| test suite (median) | < 5000 ms | 6000 ms | **miss** |");
  });
});

describe("generateApps", () => {
  const lib = resolve(ROOT, "lib/apps/index.ts");

  test("names apps and files in order, deterministically", () => {
    const first = generateApps(12, lib);
    expect(Object.keys(first.files)).toEqual(
      Array.from({ length: 12 }, (_, i) => `bench-${String(i).padStart(4, "0")}.ts`),
    );
    expect(appName(7)).toBe("bench-0007");
    expect(generateApps(12, lib)).toEqual(first);
  });

  test("mixes every feature the benchmark claims: NFS, Longhorn, both ingresses, Postgres, secrets", () => {
    expect(generateApps(60, lib).mix).toEqual({
      nfs: 36,
      longhorn: 36,
      private: 40,
      public: 30,
      postgres: 15,
      secrets: 12,
    });
  });

  test("every generated app is valid: the real loader and planner accept 60 of them", async () => {
    const generated = generateApps(60, lib);
    const dir = mkdtempSync(join(tmpdir(), "homelab-bench-test-"));
    for (const [file, source] of Object.entries(generated.files)) writeFileSync(join(dir, file), source);
    const { sources, strays } = await importApps(dir);
    const secrets = parseAppSecrets(JSON.stringify(generated.appSecrets))._unsafeUnwrap();
    const plan = planApps(sources, CONTRACTS, secrets, strays);
    expect(plan.isOk() ? [] : plan.error).toEqual([]);
    const specs = plan._unsafeUnwrap().map(({ spec }) => spec);
    expect(specs).toHaveLength(60);
    // Every public ingress is behind auth (no noAuth opt-out), every app has at least one volume.
    for (const spec of specs) {
      if (spec.exposures.some((exposure) => exposure.kind === "public")) expect(spec.auth).toBeDefined();
      expect(spec.exposures.every((exposure) => exposure.noAuth === undefined)).toBe(true);
      expect(spec.volumes.length).toBeGreaterThan(0);
    }
    const kinds = plan._unsafeUnwrap().flatMap(({ objects }) => objects.map((o) => o.object.kind));
    expect(new Set(kinds)).toEqual(
      new Set([
        "Namespace",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Deployment",
        "Service",
        "Ingress",
        "Cluster",
        "Secret",
        "ConfigMap",
      ]),
    );
  });
});
