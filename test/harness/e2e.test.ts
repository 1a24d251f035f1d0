/**
 * `bun run e2e` as a command (harness/e2e.ts `main`), without a cluster: a command-line mistake
 * stops it before anything starts (no build, no temporary folder, no exit handlers), exit 2 and
 * the usage.
 */
import { expect, test } from "bun:test";
import type { CliIo } from "../../cli/args.ts";
import { main } from "../../harness/e2e.ts";

const recordingIo = () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (text) => out.push(text), err: (text) => err.push(text), env: {} };
  return { io, out, err };
};

/** Runs main and checks it stopped at the command line: exit 2, the usage, nothing printed as output, nothing started. */
const refused = async (argv: string[]): Promise<string> => {
  const { io, out, err } = recordingIo();
  const handlers = process.listenerCount("SIGINT") + process.listenerCount("exit");
  expect(await main(argv, io)).toBe(2);
  expect(out).toEqual([]);
  expect(process.listenerCount("SIGINT") + process.listenerCount("exit")).toBe(handlers);
  const text = err.join("\n");
  expect(text).toContain("usage: bun run e2e [--crds <dir>] [--keep]");
  expect(text).toContain("--keep");
  return text;
};

test("an unknown option is refused with the usage, and the option it was probably meant to be", async () => {
  expect(await refused(["--kep"])).toContain("error: unknown option --kep (did you mean --keep?)");
});

test("--crds naming a missing folder is refused with the usage", async () => {
  const text = await refused(["--crds", "/nonexistent/e2e-crds"]);
  expect(text).toContain(
    "error: --crds /nonexistent/e2e-crds: no such folder (the pinned charts' CRDs, one folder per chart)",
  );
});

test("a flag given a value, an option without one and a stray argument are refused", async () => {
  expect(await refused(["--keep=yes"])).toContain("error: --keep takes no value");
  expect(await refused(["--crds"])).toContain("error: --crds needs a value");
  expect(await refused(["deploy"])).toContain('error: unexpected argument "deploy": this command takes none');
});
