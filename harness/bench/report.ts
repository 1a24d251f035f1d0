/**
 * The pure part of `bun run bench`: statistics over timed runs, the budgets and their checks, and
 * the table the command prints (Markdown, so the README can hold it exactly as printed).
 */

export interface Summary {
  runs: number[];
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the two middle values for an even count), min and max of at least one run. */
export const summarize = (runs: readonly number[]): Summary => {
  if (runs.length === 0) throw new Error("summarize needs at least one run");
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { runs: [...runs], median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
};

/** One apps-layer size, measured in its own process. */
export interface AppsRun {
  apps: number;
  /** Resources the apps layer registered. */
  resources: number;
  /** Whole-stack render (all four layers, this many apps), in-process, after warm-up, in ms. */
  renderMs: number;
  /** The first render with the apps in a fresh process: it also imports the app modules, in ms. */
  firstMs: number;
  /** The same render with an empty apps folder, in the same process, in ms. */
  baseMs: number;
  /** Marginal cost of one app: (renderMs - baseMs) / apps. */
  perAppMs: number;
  /** Peak resident memory of the child process (maxRSS), in MB. */
  peakRssMb: number;
  /** The stack's drawn plan (model, dagre layout, SVG), the first in the process, in ms. */
  drawingMs: number;
  /** The child process from spawn to exit (Bun start, imports, generating, three renders), in ms. */
  processMs: number;
}

export const perApp = (renderMs: number, baseMs: number, apps: number): number =>
  apps > 0 ? Math.max(0, renderMs - baseMs) / apps : 0;

export interface BenchResults {
  render: Summary;
  apps: AppsRun[];
  tests: Summary & { passed: boolean };
  typecheck: Summary;
  node: Summary;
}

/** The largest generated stack the benchmark renders; its budgets are the scaling goals. */
export const LARGEST_APPS = 1000;

export const BUDGETS = {
  renderMs: 300,
  /** The first render of the largest stack in a fresh process (imports included). */
  largestMs: 2000,
  largestRssMb: 500,
  /** Per-app time at the largest size may be at most this multiple of the per-app time at 100 apps. */
  perAppGrowth: 1.5,
  /** The owner's budget for this 2-core machine (1,000 runs per property kept): under 5 s. */
  testsMs: 5000,
  typecheckMs: 1500,
} as const;

export interface BudgetCheck {
  name: string;
  limit: string;
  actual: string;
  pass: boolean;
}

const ms = (value: number): string => `${Math.round(value)} ms`;

const budget = (name: string, limit: string, actual: number | undefined, pass: boolean, unit = ms) => ({
  name,
  limit,
  actual: actual === undefined ? "not measured" : unit(actual),
  pass: actual !== undefined && pass,
});

/** Every budget, checked; a size that was not measured is a miss, never a silent pass. */
export const checkBudgets = (results: BenchResults): BudgetCheck[] => {
  const at = (apps: number) => results.apps.find((run) => run.apps === apps);
  const largest = at(LARGEST_APPS);
  const hundred = at(100);
  const growth = largest && hundred && hundred.perAppMs > 0 ? largest.perAppMs / hundred.perAppMs : undefined;
  const mb = (value: number) => `${Math.round(value)} MiB`;
  return [
    budget(
      "full render (median, cold process)",
      `<= ${ms(BUDGETS.renderMs)}`,
      results.render.median,
      results.render.median <= BUDGETS.renderMs,
    ),
    budget(
      `render with ${LARGEST_APPS} apps (first, fresh process)`,
      `<= ${ms(BUDGETS.largestMs)}`,
      largest?.firstMs,
      (largest?.firstMs ?? Infinity) <= BUDGETS.largestMs,
    ),
    budget(
      `peak memory with ${LARGEST_APPS} apps`,
      `<= ${mb(BUDGETS.largestRssMb)}`,
      largest?.peakRssMb,
      (largest?.peakRssMb ?? Infinity) <= BUDGETS.largestRssMb,
      mb,
    ),
    budget(
      `time per app does not grow (${LARGEST_APPS} vs 100)`,
      `<= ${BUDGETS.perAppGrowth}x`,
      growth,
      (growth ?? Infinity) <= BUDGETS.perAppGrowth,
      (value) => `${value.toFixed(2)}x`,
    ),
    budget(
      "test suite (median)",
      `<= ${ms(BUDGETS.testsMs)}`,
      results.tests.median,
      results.tests.median <= BUDGETS.testsMs,
    ),
    budget(
      "typecheck (median)",
      `<= ${ms(BUDGETS.typecheckMs)}`,
      results.typecheck.median,
      results.typecheck.median <= BUDGETS.typecheckMs,
    ),
  ];
};

const table = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");

const fixed = (value: number, digits = 0): string => value.toFixed(digits);

/** The tables `bun run bench` prints, in Markdown. */
export const formatReport = (results: BenchResults, budgets: readonly BudgetCheck[]): string => {
  const { render, tests, typecheck, node } = results;
  const ratio = render.median / node.median;
  const timings = table(
    ["what", "runs", "median", "min", "max"],
    [
      ["full render, Bun (`bun cli/render.ts`)", render],
      ["full render, Node.js (`node --import tsx cli/render.ts`)", node],
      [`test suite (\`bun test\`${tests.passed ? "" : ", had failures"})`, tests],
      ["typecheck (`tsc --noEmit -p .`, TypeScript 7)", typecheck],
    ].map(([label, s]) => {
      const summary = s as Summary;
      return [
        label as string,
        String(summary.runs.length),
        ms(summary.median),
        ms(summary.min),
        ms(summary.max),
      ];
    }),
  );
  const apps = table(
    [
      "apps",
      "resources",
      "first render",
      "stack render",
      "per app",
      "peak memory",
      "drawing",
      "child process",
    ],
    results.apps.map((run) => [
      String(run.apps),
      String(run.resources),
      ms(run.firstMs),
      ms(run.renderMs),
      `${fixed(run.perAppMs, 2)} ms`,
      `${fixed(run.peakRssMb)} MiB`,
      ms(run.drawingMs),
      ms(run.processMs),
    ]),
  );
  const checks = table(
    ["budget", "limit", "measured", "result"],
    budgets.map((check) => [check.name, check.limit, check.actual, check.pass ? "pass" : "**miss**"]),
  );
  return [
    timings,
    "",
    `Bun/Node ratio (render medians): ${fixed(ratio, 2)} (Node.js takes ${fixed(1 / ratio, 1)}x as long)`,
    "",
    apps,
    "",
    "First render: all four layers with that many generated apps, the first time in a fresh process " +
      "(the app modules are imported then). Stack render: the same, median of 3 later renders. " +
      "Per app: (stack render - the same render with no apps) / apps. Peak memory: the child's maxRSS " +
      "after the first render with apps. Drawing: the stack's drawn plan (the render's out/cluster.svg), " +
      "the first in the process, dagre's import and first layout included.",
    "",
    checks,
  ].join("\n");
};
