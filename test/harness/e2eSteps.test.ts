/** The e2e runner's steps: timing, and the failing command's output shown on failure. */
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { keepLogsIn, mustRun, runLog, StepFailure, step } from "../../harness/e2eSteps.ts";

/** A run's log printing into one list of lines, errors and output together. */
const recording = () => {
  const lines: string[] = [];
  const log = runLog({ out: (text) => lines.push(text), err: (text) => lines.push(text) });
  return { lines, log };
};

test("a passing step prints its name and duration and records its time in its run's log", async () => {
  const { lines, log } = recording();
  expect(await step(log, "say hello", async () => 42)).toBe(42);
  expect(lines[0]).toBe("▶ say hello");
  expect(lines[1]).toMatch(/^ {2}✓ \d+\.\ds$/);
  expect(log.timings.map((t) => t.name)).toEqual(["say hello"]);
});

test("a failing command's output is shown under the step, its last lines", async () => {
  const { lines, log } = recording();
  const failing = step(log, "run a failing command", () =>
    mustRun(["sh", "-c", "seq 1 100; echo 'error: the real reason' >&2; exit 3"], { cwd: ".", env: {} }),
  );
  await expect(failing).rejects.toBeInstanceOf(StepFailure);
  const text = lines.join("\n");
  expect(text).toContain("✗ run a failing command failed after");
  expect(text).toContain("exited 3");
  expect(text).toContain("  | error: the real reason");
  expect(text).not.toContain("  | 1\n");
  expect(log.timings).toEqual([]);
});

test("once the run keeps logs, every command's output is in a numbered file of its own", async () => {
  const { log } = recording();
  const dir = join(mkdtempSync(join(tmpdir(), "e2e-steps-")), "logs");
  keepLogsIn(log, dir);
  await mustRun(["sh", "-c", "echo first"], { cwd: ".", env: {}, log });
  await mustRun(["sh", "-c", "echo second"], { cwd: ".", env: {}, log });
  const files = readdirSync(dir).sort();
  expect(files.map((file) => file.slice(0, 3))).toEqual(["01-", "02-"]);
  expect(readFileSync(join(dir, files[1] ?? ""), "utf8")).toBe("$ sh -c echo second\nexit 0\n\nsecond\n");
  rmSync(resolve(dir, ".."), { recursive: true, force: true });
});
