/**
 * The one way a Go command runs here: the Go found on PATH (new enough for the build module's
 * `go` directive), with the workspace, toolchain download and vendoring switched off, its output
 * appended to the build log, and a progress line every 20 s while it runs.
 */
import { writeFileSync } from "node:fs";
import { err, ok, type Result } from "neverthrow";
import { versionAtLeast } from "../../lib/core/version.ts";

/** Build modules resolve only what their go.mod says, with the Go on PATH, never a downloaded toolchain. */
const GO_ENV = { GOWORK: "off", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" } as const;

const PROGRESS_EVERY_MS = 20_000;

/** The Go on PATH when it is at least `minimum`; otherwise why not, with `help` saying how to fix it. */
export const findGo = (minimum: readonly [number, number], help: string): Result<string, string> => {
  const go = Bun.which("go");
  if (!go) return err(`Go was not found on PATH. ${help}`);
  const out = Bun.spawnSync([go, "version"]).stdout.toString();
  if (!versionAtLeast(out, minimum))
    return err(`${out.trim() || "go version printed nothing"}: too old. ${help}`);
  return ok(go);
};

/** Where a go command runs and logs. */
export interface GoRun {
  go: string;
  work: string;
  log: string;
}

/**
 * Runs `go <args>` in `run.work`, appending both streams to the log; `label` names it in the
 * progress lines (with `go build -v` the lines counted are the packages compiled).
 */
export const runGo = async (
  run: GoRun,
  args: readonly string[],
  label: string,
): Promise<{ ok: boolean; stdout: string }> => {
  writeFileSync(run.log, `$ go ${args.join(" ")}\n`, { flag: "a" });
  const started = Date.now();
  const child = Bun.spawn([run.go, ...args], {
    cwd: run.work,
    env: { ...process.env, ...GO_ENV },
    stdout: "pipe",
    stderr: "pipe",
  });
  let lines = 0;
  const collect = async (stream: ReadableStream<Uint8Array>): Promise<string> => {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const part = decoder.decode(chunk, { stream: true });
      lines += part.split("\n").length - 1;
      writeFileSync(run.log, part, { flag: "a" });
      text += part;
    }
    return text;
  };
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`  ${label}: ${lines} lines of output so far, ${seconds}s`);
  }, PROGRESS_EVERY_MS);
  const [stdout] = await Promise.all([collect(child.stdout), collect(child.stderr)]);
  clearInterval(ticker);
  return { ok: (await child.exited) === 0, stdout };
};
