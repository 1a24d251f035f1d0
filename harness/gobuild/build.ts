/**
 * The one Go build runner: a build is data (its steps, the binaries it makes, the cache folder
 * they go to), run once per machine and version. Each build runs in a fresh folder beside its
 * cache folder, logging to build.log there; the binaries are moved into the cache only when every
 * step passed, and a failure returns the step and the log's last lines (the folder is kept).
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, okAsync, type Result, ResultAsync } from "neverthrow";
import { logTail } from "../logTail.ts";
import { findGo, type GoRun, runGo } from "./go.ts";

/** What `go mod download -json` says of a module: its unpacked source and its go.mod in the module cache. */
interface DownloadedModule {
  Dir?: string;
  GoMod?: string;
}

/** One step of a build, in its build folder; its `what` names it in progress lines and errors. */
export type BuildStep =
  | { what: string; go: readonly string[] }
  | { what: string; write: { file: string; text: string } }
  | { what: string; download: string; use: (module: DownloadedModule, run: GoRun) => boolean }
  | { what: string; run: (run: GoRun) => Promise<boolean> | boolean };

export interface GoBuild {
  /** Names it in errors: "kubernetes 1.35.4". */
  name: string;
  /** Says what is built and from where, before and after: "etcd 3.6.16 from the Go module proxy". */
  label: string;
  /** How long a cold build takes, said before it starts. */
  takes: string;
  /** The cache folder (harness/gobuild/cache.ts) the binaries end up in. */
  target: string;
  /** File names the steps leave in bin/; the build is cached once all are in `target`. */
  binaries: readonly string[];
  /** The Go the build module's `go` directive needs, and how to get it. */
  minGo: readonly [number, number];
  goHelp: string;
  steps: readonly BuildStep[];
}

export const writeGoMod = (text: string): BuildStep => ({
  what: "writing go.mod",
  write: { file: "go.mod", text },
});

export const tidy: BuildStep = { what: "go mod tidy", go: ["mod", "tidy"] };

/**
 * `go build -trimpath` of `packages` with `ldflags`, into bin/<binary>, or into bin/ (each binary
 * named after its package) when there is no single binary; `verbose` adds -v (packages listed as
 * they compile, counted in the progress lines).
 */
export const goBuild = (spec: {
  what?: string;
  ldflags: string;
  packages: readonly string[];
  binary?: string;
  verbose?: boolean;
}): BuildStep => ({
  what: spec.what ?? "go build",
  go: [
    "build",
    ...(spec.verbose ? ["-v"] : []),
    "-trimpath",
    "-ldflags",
    spec.ldflags,
    "-o",
    spec.binary ? `bin/${spec.binary}` : "bin/",
    ...spec.packages,
  ],
});

/** The go command lines of a build, in order, as `go` would be given them (for tests and reading). */
export const goCommands = (steps: readonly BuildStep[]): string[][] =>
  steps.flatMap((step) => {
    if ("go" in step) return [[...step.go]];
    if ("download" in step) return [["mod", "download", "-json", step.download]];
    return [];
  });

/** Writes `text` to `file` in the build folder (for steps that make a file from what an earlier one found). */
export const writeInWork = (run: GoRun, file: string, text: string): true => {
  writeFileSync(join(run.work, file), text);
  return true;
};

const parseDownload = (stdout: string): DownloadedModule => {
  try {
    return JSON.parse(stdout) as DownloadedModule;
  } catch {
    return {};
  }
};

const runStep = async (step: BuildStep, run: GoRun): Promise<boolean> => {
  if ("go" in step) return (await runGo(run, step.go, step.what)).ok;
  if ("write" in step) return writeInWork(run, step.write.file, step.write.text);
  if ("download" in step) {
    const done = await runGo(run, ["mod", "download", "-json", step.download], step.what);
    return done.ok && step.use(parseDownload(done.stdout), run);
  }
  return step.run(run);
};

/** Runs every step with `go` in a fresh folder beside the target; moves the binaries in when all passed. */
export const runBuild = async (build: GoBuild, go: string): Promise<Result<void, string>> => {
  mkdirSync(build.target, { recursive: true });
  const work = mkdtempSync(`${build.target}.build-`);
  const run: GoRun = { go, work, log: join(work, "build.log") };
  mkdirSync(join(work, "bin"));
  for (const step of build.steps) {
    if (!(await runStep(step, run)))
      return err(`${step.what} of ${build.name} failed; last lines of ${run.log}:\n${logTail(run.log, 25)}`);
  }
  const missing = build.binaries.filter((name) => !existsSync(join(work, "bin", name)));
  if (missing.length > 0) return err(`${build.name} built without ${missing.join(", ")} (in ${work}/bin)`);
  for (const name of build.binaries) renameSync(join(work, "bin", name), join(build.target, name));
  rmSync(work, { recursive: true, force: true });
  return ok(undefined);
};

export const isBuilt = (build: GoBuild): boolean =>
  build.binaries.every((name) => existsSync(join(build.target, name)));

/** Runs the build unless its binaries are cached already; says when it starts and how long it took. */
export const ensureBuilt = (build: GoBuild): ResultAsync<void, string> => {
  if (isBuilt(build)) return okAsync(undefined);
  const started = Date.now();
  return findGo(build.minGo, build.goHelp)
    .asyncAndThen((go) => {
      console.log(`Building ${build.label} (once per machine; ${build.takes})…`);
      return new ResultAsync(runBuild(build, go));
    })
    .andTee(() => console.log(`  built ${build.label} in ${Math.round((Date.now() - started) / 1000)}s`));
};
