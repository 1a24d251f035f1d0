/** The pure parts of `bun run bench`: statistics, budgets, the printed table and the app generator. */
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { appName, generateApps } from "../../harness/bench/apps.ts";
import {
  type AppsRun,
  type BenchResults,
  BUDGETS,
  checkBudgets,
  formatReport,
  perApp,
  summarize,
} from "../../harness/bench/report.ts";
import { parseAppSecrets } from "../../lib/app/secrets.ts";
import { importApps, planApps } from "../../lib/layers/apps/plan.ts";
import { CONTRACTS } from "../support/apps.ts";
import { generatedStack, ROOT } from "../support/render.ts";

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
  firstMs: 400 + apps * perAppMs,
  renderMs: 300 + apps * perAppMs,
  baseMs: 300,
  perAppMs,
  peakRssMb: 100 + apps / 5,
  drawingMs: 50 + apps,
  processMs: 1000 + apps * perAppMs,
});

const results = (overrides: Partial<BenchResults> = {}): BenchResults => ({
  render: summarize([180, 190, 200, 210, 220]),
  apps: [appsRun(10, 0.5), appsRun(100, 0.5), appsRun(1000, 0.55)],
  tests: { ...summarize([2300, 2400, 2500]), passed: true },
  typecheck: summarize([1300, 1400, 1450]),
  node: summarize([600, 650, 700]),
  ...overrides,
});

describe("checkBudgets", () => {
  test("within every budget: six passes with the measured figures", () => {
    expect(checkBudgets(results())).toEqual([
      { name: "full render (median, cold process)", limit: "<= 300 ms", actual: "200 ms", pass: true },
      {
        name: "render with 1000 apps (first, fresh process)",
        limit: "<= 2000 ms",
        actual: "950 ms",
        pass: true,
      },
      { name: "peak memory with 1000 apps", limit: "<= 500 MiB", actual: "300 MiB", pass: true },
      { name: "time per app does not grow (1000 vs 100)", limit: "<= 1.5x", actual: "1.10x", pass: true },
      { name: "test suite (median)", limit: "<= 5000 ms", actual: "2400 ms", pass: true },
      { name: "typecheck (median)", limit: "<= 1500 ms", actual: "1400 ms", pass: true },
    ]);
  });

  test("each budget misses on its own", () => {
    const slow = checkBudgets(
      results({
        render: summarize([301, 320, 340]),
        apps: [appsRun(100, 1), { ...appsRun(1000, 2), firstMs: 2001, peakRssMb: 501 }],
        tests: { ...summarize([5001]), passed: true },
        typecheck: summarize([1501]),
      }),
    );
    expect(slow.map((check) => [check.actual, check.pass])).toEqual([
      ["320 ms", false],
      ["2001 ms", false],
      ["501 MiB", false],
      ["2.00x", false],
      ["5001 ms", false],
      ["1501 ms", false],
    ]);
  });

  test("each limit itself passes; a size that was not measured is a miss", () => {
    const atLimits = checkBudgets(
      results({
        render: summarize([BUDGETS.renderMs]),
        apps: [
          appsRun(100, 4),
          {
            ...appsRun(1000, 4 * BUDGETS.perAppGrowth),
            firstMs: BUDGETS.largestMs,
            peakRssMb: BUDGETS.largestRssMb,
          },
        ],
        tests: { ...summarize([BUDGETS.testsMs]), passed: true },
        typecheck: summarize([BUDGETS.typecheckMs]),
      }),
    );
    expect(atLimits.every((check) => check.pass)).toBe(true);
    const missing = checkBudgets(results({ apps: [appsRun(10, 8)] }));
    expect(missing.slice(1, 4).map((check) => [check.actual, check.pass])).toEqual([
      ["not measured", false],
      ["not measured", false],
      ["not measured", false],
    ]);
  });
});

describe("formatReport", () => {
  test("prints the timings, the Bun/Node ratio, the apps table and the budgets, in Markdown", () => {
    const report = formatReport(results(), checkBudgets(results()));
    expect(report.split("\n")).toEqual([
      "| what | runs | median | min | max |",
      "|---|---:|---:|---:|---:|",
      "| full render, Bun (`bun cli/render.ts`) | 5 | 200 ms | 180 ms | 220 ms |",
      "| full render, Node.js (`node --import tsx cli/render.ts`) | 3 | 650 ms | 600 ms | 700 ms |",
      "| test suite (`bun test`) | 3 | 2400 ms | 2300 ms | 2500 ms |",
      "| typecheck (`tsc --noEmit -p .`, TypeScript 7) | 3 | 1400 ms | 1300 ms | 1450 ms |",
      "",
      "Bun/Node ratio (render medians): 0.31 (Node.js takes 3.3x as long)",
      "",
      "| apps | resources | first render | stack render | per app | peak memory | drawing | child process |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
      "| 10 | 60 | 405 ms | 305 ms | 0.50 ms | 102 MiB | 60 ms | 1005 ms |",
      "| 100 | 600 | 450 ms | 350 ms | 0.50 ms | 120 MiB | 150 ms | 1050 ms |",
      "| 1000 | 6000 | 950 ms | 850 ms | 0.55 ms | 300 MiB | 1050 ms | 1550 ms |",
      "",
      "First render: all four layers with that many generated apps, the first time in a fresh process (the app modules are imported then). Stack render: the same, median of 3 later renders. Per app: (stack render - the same render with no apps) / apps. Peak memory: the child's maxRSS after the first render with apps. Drawing: the stack's drawn plan (the render's out/cluster.svg), the first in the process, dagre's import and first layout included.",
      "",
      "| budget | limit | measured | result |",
      "|---|---:|---:|---:|",
      "| full render (median, cold process) | <= 300 ms | 200 ms | pass |",
      "| render with 1000 apps (first, fresh process) | <= 2000 ms | 950 ms | pass |",
      "| peak memory with 1000 apps | <= 500 MiB | 300 MiB | pass |",
      "| time per app does not grow (1000 vs 100) | <= 1.5x | 1.10x | pass |",
      "| test suite (median) | <= 5000 ms | 2400 ms | pass |",
      "| typecheck (median) | <= 1500 ms | 1400 ms | pass |",
    ]);
  });

  test("a miss is bold, and a failing test suite is said so next to its time", () => {
    const failing = results({ tests: { ...summarize([6000]), passed: false } });
    const report = formatReport(failing, checkBudgets(failing));
    expect(report).toContain("| test suite (`bun test`, had failures) | 1 | 6000 ms |");
    expect(report).toContain("| test suite (median) | <= 5000 ms | 6000 ms | **miss** |");
  });
});

describe("generateApps", () => {
  const lib = resolve(ROOT, "lib/app/index.ts");

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

  test("every generated app is valid: the real loader and planner accept 50 of them", async () => {
    // The folder the drawing's 50-app test renders too (written once, its modules imported once).
    const generated = generateApps(50, lib);
    const { sources, strays } = await importApps(generatedStack(50).appsDir);
    const secrets = parseAppSecrets(JSON.stringify(generated.appSecrets))._unsafeUnwrap();
    const plan = planApps(sources, CONTRACTS, secrets, strays);
    expect(plan.isOk() ? [] : plan.error).toEqual([]);
    const specs = plan._unsafeUnwrap().map(({ spec }) => spec);
    expect(specs).toHaveLength(50);
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
        "ScheduledBackup",
        "Secret",
        "ConfigMap",
      ]),
    );
  });
});
