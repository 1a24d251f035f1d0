/**
 * Which app files a stack runs: the ones its `apps` key names, or every file when the key is unset
 * (only the example stack may leave it so: lib/config/placeholders.ts). A file that is not
 * selected is not planned at all: its objects, secrets and hosts are another stack's business.
 */
import { basename } from "node:path";
import { type Problem, problem } from "../../core/problem.ts";
import type { AppSource } from "./plan.ts";

export interface Selection {
  selected: AppSource[];
  /** Files in the folder this stack does not run. */
  skipped: string[];
  /** One per name in `apps` that no file defines (a typo, or a file removed but still listed). */
  problems: Problem[];
}

const appName = (source: AppSource): string => basename(source.file, ".ts");

/** The sources named by `names` (every one when undefined), and a problem per name no file defines. */
export const selectApps = (
  sources: readonly AppSource[],
  names: readonly string[] | undefined,
): Selection => {
  if (names === undefined) return { selected: [...sources], skipped: [], problems: [] };
  const wanted = new Set(names);
  const available = sources.map(appName);
  const problems = [...wanted]
    .filter((name) => !available.includes(name))
    .map((name) =>
      problem(
        { layer: "apps", key: "apps" },
        `names ${name}, but programs/apps/apps/ has no ${name}.ts`,
        available.length > 0
          ? `use the name of an app file (${available.join(", ")}), add ${name}.ts, or take ${name} out of apps`
          : `add ${name}.ts to programs/apps/apps/, or take ${name} out of apps`,
        name,
      ),
    );
  return {
    selected: sources.filter((source) => wanted.has(appName(source))),
    skipped: sources.filter((source) => !wanted.has(appName(source))).map((source) => source.file),
    problems,
  };
};
