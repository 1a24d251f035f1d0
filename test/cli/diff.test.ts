/**
 * `bun run diff` end to end, once: a temporary git repository holding the project, an app's image
 * bumped and its claim moved to Longhorn in the working tree, the base rendered from HEAD with its
 * own code. And its command-line mistakes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../cli/args.ts";
import { main } from "../../cli/diff.ts";
import { loadLayers } from "../../programs/layers.ts";
import { ROOT } from "../support/render.ts";
import { appsFixture, replaceIn } from "../support/safety.ts";

const recording = (env: CliIo["env"] = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env } as CliIo, out, err };
};

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("bun run diff", () => {
  test("against HEAD of a git repository: the base rendered with its own code, a replaced claim is data loss (exit 1)", async () => {
    const repo = mkdtempSync(join(tmpdir(), "homelab-diff-repo-"));
    scratch.push(repo);
    for (const entry of ["cli", "lib", "programs", "config", "package.json", "tsconfig.json"])
      cpSync(join(ROOT, entry), join(repo, entry), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"));
    const git = (...args: string[]) =>
      spawnSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        encoding: "utf8",
      });
    git("init", "-q");
    git("add", "cli", "lib", "programs", "config", "package.json", "tsconfig.json");
    expect(git("commit", "-q", "-m", "base").status).toBe(0);
    // The working tree: the apps the working render loads, changed.
    const apps = appsFixture((d) => {
      replaceIn(join(d, "demo.ts"), "withNfsVolume,", "withLonghornVolume,\n  withNfsVolume,");
      replaceIn(
        join(d, "demo.ts"),
        'withNfsVolume({ name: "data", folder: "demo", mountPath: "/data" }),',
        'withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),',
      );
    });
    const { io, out, err } = recording();
    expect(await main([], io, repo, await loadLayers(apps))).toBe(1);
    expect(err).toEqual([]);
    const report = out.join("\n");
    expect(report).toStartWith("Change report for stack example: HEAD (");
    expect(report).toContain("DATA LOSS: a deploy would delete or replace 2 object(s) that hold data:");
    expect(report).toContain("REPLACE (delete, then create again): PersistentVolumeClaim demo/demo-data");
    // The temporary render folder is gone.
    expect(
      readdirSync(tmpdir()).filter(
        (name) => name.startsWith("homelab-diff-") && !name.startsWith("homelab-diff-repo"),
      ),
    ).toEqual([]);
  });

  test("against a render folder with the same render: no changes (exit 0); --html writes the drawn plan with the report", async () => {
    const folder = mkdtempSync(join(tmpdir(), "homelab-diff-out-"));
    scratch.push(folder);
    const { main: render } = await import("../../cli/render.ts");
    const quiet = recording();
    expect(await render(["--out", folder], quiet.io)).toBe(0);
    expect(readFileSync(join(folder, "cluster.html"), "utf8")).toContain('<figure id="drawing"><svg');
    const page = join(folder, "report.html");
    const { io, out } = recording();
    expect(await main(["--base", folder, "--html", page], io)).toBe(0);
    expect(out.join("\n")).toContain("No changes: a deploy would change nothing.");
    const html = readFileSync(page, "utf8");
    expect(html).toContain('<pre id="change-report">Change report for stack example: the render in');
    expect(html).toContain("demo.example.com");
  });

  test("a base that is neither a folder nor a ref, or given twice, is a usage error (exit 2)", async () => {
    const { io, err } = recording();
    expect(await main(["--base", "no-such-ref"], io)).toBe(2);
    expect(err.join("\n")).toContain('--base "no-such-ref" is neither a folder nor a git ref');
    const twice = recording();
    expect(await main(["--base", "HEAD", "--base", "HEAD"], twice.io)).toBe(2);
    expect(twice.err.join("\n")).toContain("--base is given more than once");
  });
});
