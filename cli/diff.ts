/**
 * `bun run diff [--base <git ref or render folder>] [--stack <name>]`: what a deploy of the working
 * tree would do compared with the base (default HEAD, the last commit): per layer and object,
 * created, updated in place, replaced or deleted, with the changed fields. Objects that hold data
 * and would be replaced or deleted come first, as data loss. Exit 0 when nothing that holds data
 * is lost, 1 when something is (or a side cannot be rendered), 2 on a command-line mistake.
 *
 * A git ref is rendered with its own code: `git archive` into a temporary folder (node_modules
 * linked), `bun cli/render.ts --out` there; the folder is always removed.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { readStackConfig } from "../lib/config/stackFile.ts";
import { runContextOf, type StackLayers } from "../lib/core/layer.ts";
import { formatProblem } from "../lib/core/problem.ts";
import { dataLosses, diffRenders, formatReport, parseRenderFiles } from "../lib/render/diff.ts";
import { DRAWING_FILES, drawingFiles } from "../lib/render/drawing/draw.ts";
import type { RenderedLayer } from "../lib/render/render.ts";
import { summarize } from "../lib/render/summary.ts";
import { configSchemas } from "../programs/layers.ts";
import {
  type CliIo,
  isMain,
  processIo,
  readCommandLine,
  type StackCommandSpec,
  stackOption,
  stackOptionSpec,
  USAGE_EXIT,
  usageText,
} from "./args.ts";
import { newFile, userFolder } from "./folders.ts";
import { renderForGuard } from "./guard.ts";
import { YAML_ONLY_ENV } from "./render.ts";

export const DIFF: StackCommandSpec = {
  usage: "bun run diff [--base <git ref or render folder>] [--stack <name>] [--html <file>]",
  options: {
    html: {
      type: "string",
      doc: "also write the working tree's drawn plan with this report into this page (like out/cluster.html)",
    },
    stack: stackOptionSpec("offline", "compare"),
    base: {
      type: "string",
      doc: "what to compare with: a git ref (default: HEAD, the last commit) or a folder an earlier render wrote",
    },
  },
  stack: "offline",
};

/** The `.yaml` files of a render folder, by name. */
const readRenderFolder = (folder: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(folder)
      .filter((file) => file.endsWith(".yaml"))
      .map((file) => [file, readFileSync(join(folder, file), "utf8")]),
  );

const git = (root: string, args: readonly string[]) =>
  spawnSync("git", ["-C", root, ...args], { encoding: "utf8" });

/** The commit a ref names, or undefined when it names none. */
const commitOf = (root: string, ref: string): string | undefined => {
  if (ref.startsWith("-")) return undefined;
  const result = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return result.status === 0 ? result.stdout.trim() : undefined;
};

/** Renders `stack` at `commit` with that commit's own code, in a temporary folder removed afterwards. */
const renderCommit = (
  root: string,
  commit: string,
  stack: string,
  env: CliIo["env"],
): Result<Record<string, string>, string> => {
  const scratch = mkdtempSync(join(tmpdir(), "homelab-diff-"));
  try {
    const source = join(scratch, "src");
    mkdirSync(source);
    const archive = join(scratch, "base.tar");
    const packed = git(root, ["archive", `--output=${archive}`, commit]);
    if (packed.status !== 0) return err(`git archive ${commit} failed: ${packed.stderr.trim()}`);
    const unpacked = spawnSync("tar", ["-xf", archive, "-C", source], { encoding: "utf8" });
    if (unpacked.status !== 0) return err(`the base could not be unpacked: ${unpacked.stderr.trim()}`);
    if (existsSync(join(root, "node_modules")))
      symlinkSync(join(root, "node_modules"), join(source, "node_modules"));
    const out = join(scratch, "out");
    const rendered = spawnSync(process.execPath, ["cli/render.ts", "--out", out, "--stack", stack], {
      cwd: source,
      encoding: "utf8",
      env: { ...env, HOMELAB_STACK: stack, [YAML_ONLY_ENV]: "1" } as NodeJS.ProcessEnv,
    });
    if (rendered.status !== 0)
      return err(`The base (${commit.slice(0, 12)}) could not be rendered:\n${rendered.stderr.trim()}`);
    return ok(readRenderFolder(out));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

/** `--html`: the working tree's drawn plan with the report in one page; false when it cannot be written. */
const writePage = async (
  path: string,
  drawn: { root: string; stack: string; layers: RenderedLayer[]; report: string[] },
  io: CliIo,
): Promise<boolean> => {
  const raw = readStackConfig(configSchemas, drawn.root, drawn.stack);
  const summary = summarize(drawn.stack, drawn.layers);
  const files = raw.isErr()
    ? raw
    : await drawingFiles(
        { stack: drawn.stack, layers: drawn.layers, summary, report: drawn.report.join("\n") },
        { schemas: configSchemas, raw: raw.value },
      );
  if (files.isErr()) {
    io.err(`The page was not written:\n${files.error.map((p) => `  ${formatProblem(p)}`).join("\n")}`);
    return false;
  }
  writeFileSync(path, files.value[DRAWING_FILES.html] ?? "");
  io.out(`\nWrote the drawn plan with this report to ${path}`);
  return true;
};

export const main = async (
  argv: readonly string[],
  io: CliIo = processIo,
  root = resolve(import.meta.dirname, ".."),
  layers?: StackLayers,
): Promise<number> => {
  const parsed = readCommandLine(DIFF, argv, io);
  if (parsed.isErr()) return parsed.error;
  const chosen = stackOption(DIFF, parsed.value.values, io.env);
  if (chosen.isErr()) {
    io.err(chosen.error);
    return USAGE_EXIT;
  }
  const stack = chosen.value;
  const { html } = parsed.value.values;
  const page = typeof html === "string" ? newFile("--html", html, root, io.env) : undefined;
  if (page?.isErr()) {
    io.err(usageText(DIFF, page.error));
    return USAGE_EXIT;
  }
  const given = parsed.value.values.base;
  const base = typeof given === "string" ? given : "HEAD";

  const folder = resolve(userFolder(io.env), base);
  let baseFiles: Result<Record<string, string>, string>;
  let baseName: string;
  if (typeof given === "string" && existsSync(folder) && statSync(folder).isDirectory()) {
    const files = readRenderFolder(folder);
    if (!Object.keys(files).some((file) => /^[a-z]+\.yaml$/.test(file))) {
      io.err(usageText(DIFF, `--base ${base} is a folder without a render in it (no <layer>.yaml)`));
      return USAGE_EXIT;
    }
    baseFiles = ok(files);
    baseName = `the render in ${base}`;
  } else {
    const commit = commitOf(root, base);
    if (!commit) {
      io.err(
        usageText(
          DIFF,
          `--base ${JSON.stringify(base)} is neither a folder nor a git ref of this repository`,
        ),
      );
      return USAGE_EXIT;
    }
    baseFiles = renderCommit(root, commit, stack, io.env);
    baseName = `${base} (${commit.slice(0, 12)})`;
  }
  if (baseFiles.isErr()) {
    io.err(baseFiles.error);
    return 1;
  }
  const current = await renderForGuard(root, stack, runContextOf(new Date()), layers);
  if (current.isErr()) {
    io.err(current.error.join("\n"));
    return 1;
  }
  const changes = diffRenders(
    parseRenderFiles(baseFiles.value),
    parseRenderFiles(Object.assign({}, ...current.value.map((layer) => layer.files))),
  );
  const report = formatReport(changes, `Change report for stack ${stack}: ${baseName} -> the working tree`);
  io.out(report.join("\n"));
  if (page?.isOk() && !(await writePage(page.value, { root, stack, layers: current.value, report }, io)))
    return 1;
  return dataLosses(changes).length > 0 ? 1 : 0;
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
