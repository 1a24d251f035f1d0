/**
 * Where a command reads and writes: relative paths on the command line are read from the folder
 * the user stands in; an output folder or file is refused inside the repository's sources, where
 * it is not writable, and (a file) when git tracks it.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { err, ok, type Result } from "neverthrow";
import type { CliIo } from "./args.ts";

/**
 * The folder the user stands in, which a relative path on the command line is read against.
 * `bun run` starts a script in the repository root (where package.json is), not where it was
 * typed. npm (and Bun once oven-sh/bun#21088 is fixed) says where in INIT_CWD; Bun 1.4 sets only
 * npm_config_local_prefix, to the folder it was called from (npm sets that to the package root,
 * but always with INIT_CWD, which wins). A script run directly (`bun cli/render.ts`) keeps its
 * working folder.
 */
export const userFolder = (env: CliIo["env"]): string => {
  if (env.INIT_CWD) return env.INIT_CWD;
  if (env.npm_config_user_agent?.startsWith("bun/") && env.npm_config_local_prefix)
    return env.npm_config_local_prefix;
  return process.cwd();
};

/** The repository's own folders, where a command's output would mix with the source. */
export const SOURCE_FOLDERS = [
  ".ci",
  ".git",
  "cli",
  "config",
  "guard",
  "harness",
  "lib",
  "node_modules",
  "programs",
  "test",
] as const;

/** `path` with symbolic links resolved as far as it exists (the rest appended as written). */
const realPath = (path: string): string => {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    return join(realpathSync(existing), relative(existing, path));
  } catch {
    return path;
  }
};

/**
 * Refuses a folder the command would write into when it is the repository itself or inside one of
 * its source folders: `what` is how the refusal names it (`--out lib`).
 */
const outsideSources = (path: string, root: string, what: string): Result<string, string> => {
  const real = realPath(path);
  const inRoot = relative(realPath(root), real);
  if (inRoot === "")
    return err(`${what} is the repository itself; name a folder of its own (the default is out/)`);
  const top = inRoot.split(sep)[0] ?? "";
  if (!inRoot.startsWith("..") && (SOURCE_FOLDERS as readonly string[]).includes(top))
    return err(
      `${what} is inside the repository's ${top}/ folder, which holds its source; name another folder (the default is out/)`,
    );
  return ok(path);
};

/**
 * An output folder given on the command line: read against the folder the user stands in, refused
 * inside the repository's sources, then checked like `checkOutFolder`.
 */
export const outFolder = (shown: string, root: string, env: CliIo["env"]): Result<string, string> =>
  outsideSources(resolve(userFolder(env), shown), root, `--out ${shown}`).andThen((path) =>
    checkOutFolder(path, shown),
  );

/** Whether git tracks `file` (in whatever repository holds it); false when git cannot tell. */
const trackedByGit = (file: string): boolean => {
  const args = ["-C", dirname(file), "ls-files", "--error-unmatch", "--", basename(file)];
  return spawnSync("git", args, { stdio: "ignore" }).status === 0;
};

/**
 * Whether `path` can become the output folder, without touching anything: it is a folder or can
 * be created under the nearest existing folder, and that folder is writable. Checked before a
 * command does any work; `createFolder` still reports what only creating it reveals.
 */
export const checkOutFolder = (path: string, shown: string): Result<string, string> => {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    const what = existing === path ? "is a file" : "is inside a file";
    return err(`--out ${shown} ${what}, not a folder; name a folder (it is created if missing)`);
  }
  try {
    accessSync(existing, constants.W_OK);
    return ok(path);
  } catch {
    return err(`--out ${shown} cannot be written (no write permission); name a folder you can write to`);
  }
};

/** Creates the output folder; a failure (read-only or virtual file systems) is an error, not a throw. */
export const createFolder = (path: string, shown: string): Result<string, string> => {
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
    return ok(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unknown error";
    return err(`--out ${shown} cannot be created or written (${code}); name a folder you can write to`);
  }
};

/**
 * A file a command writes (`bench --json`): read from where the user stands; refused when it is
 * a folder, when its folder is not writable or holds the repository's source, or when git tracks
 * the file (a tracked file is never overwritten).
 */
export const newFile = (
  option: string,
  shown: string,
  root: string,
  env: CliIo["env"],
): Result<string, string> => {
  const path = resolve(userFolder(env), shown);
  const what = `${option} ${shown}`;
  if (existsSync(path) && statSync(path).isDirectory())
    return err(`${what} cannot be written: it is a folder`);
  if (trackedByGit(path))
    return err(`${what} is a file git tracks; the bench never overwrites one: name a new file (bench.json)`);
  return outsideSources(dirname(path), root, what)
    .andThen((folder) =>
      checkOutFolder(folder, dirname(shown)).mapErr(
        () => `${what} cannot be written: its folder is not writable`,
      ),
    )
    .map(() => path);
};
