/**
 * App modules are code, and fail like code: a syntax error, a module that throws, one that never
 * settles, one that calls `process.exit`. Each is loaded here so that every such failure becomes a
 * problem naming the file (with `:line:column` when the compiler or the stack gives one), and no
 * app module can end the process or hang it: `validate` and `render` only report success once
 * every app was checked.
 */
import { relative } from "node:path";
import { pathToFileURL } from "node:url";

/** How long one app module may take to import (its top-level `await`s included) before it is refused. */
export const IMPORT_TIMEOUT_MS = 10_000;

/** A module that did not load: what went wrong, where (`file:line:column`) when known, and the fix. */
interface LoadFailure {
  ok: false;
  error: string;
  /** The position of the error, relative to the apps folder, e.g. `broken.ts:3:7`. */
  at?: string;
  fix?: string;
}

export type Loaded = { ok: true; value: unknown } | LoadFailure;

/** The shape of Bun's BuildMessage and ResolveMessage (a compile or resolve error of a module). */
interface CompilerMessage {
  name: string;
  message: string;
  position?: { file: string; line: number; column: number } | null;
}

const isCompilerMessage = (value: unknown): value is CompilerMessage =>
  typeof value === "object" &&
  value !== null &&
  ["BuildMessage", "ResolveMessage"].includes((value as { name?: unknown }).name as string);

/** Thrown in place of exiting: an app module called `process.exit` while it was loaded. */
class ExitDuringLoad extends Error {
  constructor(readonly code: unknown) {
    super(`it called process.exit(${code === undefined ? "" : String(code)})`);
  }
}

/**
 * Runs `load` with `process.exit` replaced by a throw, restoring it afterwards. Replacing it is
 * the simplest robust way: the call fails inside the app module, so its import (or its default
 * export's call) rejects with an error this file reports, and the process never exits 0 having
 * checked nothing. A child process would also contain it, but app modules export functions and
 * frozen objects that a child could not hand back.
 */
export const withoutExit = <T>(load: () => T): T => {
  const exit = process.exit;
  process.exit = ((code?: unknown) => {
    throw new ExitDuringLoad(code);
  }) as typeof process.exit;
  const restore = () => {
    process.exit = exit;
  };
  try {
    const result = load();
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
};

const EXIT_FIX =
  "remove the process.exit call: an app module only describes an app (throw an Error to refuse)";

/** A load error as a problem's parts: the compiler's messages with their positions, or the thrown error. */
const describeLoadError = (error: unknown, dir: string, file: string): LoadFailure => {
  if (error instanceof ExitDuringLoad) return { ok: false, error: error.message, fix: EXIT_FIX };
  const messages = error instanceof AggregateError ? error.errors : [error];
  const compiler = messages.filter(isCompilerMessage);
  if (compiler.length > 0) {
    const first = compiler[0]?.position;
    // Bun names the importer after "imported from": the problem names it already.
    const text = (m: CompilerMessage) => m.message.replace(/ imported from \S+$/, "");
    const lines = compiler.map((m) =>
      m.position
        ? `${relative(dir, m.position.file)}:${m.position.line}:${m.position.column}: ${text(m)}`
        : text(m),
    );
    const resolving = compiler.every((m) => m.name === "ResolveMessage");
    return {
      ok: false,
      error:
        lines.length === 1
          ? text(compiler[0] as CompilerMessage)
          : `${lines.length} errors: ${lines.join("; ")}`,
      ...(first ? { at: `${relative(dir, first.file)}:${first.line}:${first.column}` } : {}),
      fix: resolving
        ? "fix the import: a path relative to this file, or a package the project has"
        : "fix the code at that line so the module compiles",
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  // A runtime error: its position in the app file, read off the first stack frame there.
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const path = `${dir}/${file}:`;
  const frame = /^(\d+):(\d+)/.exec(stack.slice(stack.indexOf(path) + path.length));
  const at = stack.includes(path) && frame ? { at: `${file}:${frame[1]}:${frame[2]}` } : {};
  return { ok: false, error: text, ...at };
};

/**
 * Imports one app module: its default export, or why it did not load. A module still importing
 * after `timeoutMs` (a top-level `await` that never settles) is refused, and left behind.
 */
export const loadModule = async (
  dir: string,
  file: string,
  timeoutMs = IMPORT_TIMEOUT_MS,
): Promise<Loaded> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const module = await withoutExit(() =>
      Promise.race([
        import(pathToFileURL(`${dir}/${file}`).href) as Promise<{ default?: unknown }>,
        timedOut,
      ]),
    );
    if (module === "timeout")
      return {
        ok: false,
        error: `did not finish importing within ${timeoutMs / 1000} s (a top-level await that never settles?)`,
        fix: "do not wait at the top level of an app module: export the app (or a function of the contracts) directly",
      };
    return { ok: true, value: module.default };
  } catch (error) {
    return describeLoadError(error, dir, file);
  } finally {
    clearTimeout(timer);
  }
};
