/** The e2e runner's steps: timing, and the failing command's output shown on failure. */
import { afterEach, expect, spyOn, test } from "bun:test";
import { mustRun, StepFailure, step, timings } from "../../harness/e2eSteps.ts";

const spies: { mockRestore(): void }[] = [];
afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore();
});

const captured = () => {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => {
    lines.push(args.join(" "));
  };
  spies.push(
    spyOn(console, "log").mockImplementation(keep),
    spyOn(console, "error").mockImplementation(keep),
  );
  return lines;
};

test("a passing step prints its name and duration and records its time", async () => {
  const lines = captured();
  expect(await step("say hello", async () => 42)).toBe(42);
  expect(lines[0]).toBe("▶ say hello");
  expect(lines[1]).toMatch(/^ {2}✓ \d+\.\ds$/);
  expect(timings.at(-1)?.name).toBe("say hello");
});

test("a failing command's output is shown under the step, its last lines", async () => {
  const lines = captured();
  const failing = step("run a failing command", () =>
    mustRun(["sh", "-c", "seq 1 100; echo 'error: the real reason' >&2; exit 3"], { cwd: ".", env: {} }),
  );
  await expect(failing).rejects.toBeInstanceOf(StepFailure);
  const text = lines.join("\n");
  expect(text).toContain("✗ run a failing command failed after");
  expect(text).toContain("exited 3");
  expect(text).toContain("  | error: the real reason");
  expect(text).not.toContain("  | 1\n");
});
