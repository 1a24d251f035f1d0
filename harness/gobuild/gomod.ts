/**
 * go.mod text of a build module: a throwaway module that requires what is built, so `go build`
 * resolves it through the Go module proxy even where `go install …@version` is refused (a module
 * whose go.mod has local replaces).
 */

export interface GoModule {
  /** Module path, homelab.local/build/<name>. */
  module: string;
  /** The `go` directive, e.g. "1.25.0". */
  go: string;
  /** `godebug` lines copied as they are, so binaries keep the runtime behaviour they were released with. */
  godebug?: readonly string[];
  /** `path version` pairs. */
  require: readonly (readonly [string, string])[];
  /** `old => new [version]` lines. */
  replace?: readonly string[];
  /** Command packages, listed as `tool` lines so `go mod tidy` keeps their dependencies. */
  tools?: readonly string[];
}

/** One directive: nothing when empty, one line for one entry, a block for more. */
const directive = (keyword: string, entries: readonly string[]): string[] => {
  if (entries.length === 0) return [];
  if (entries.length === 1) return ["", `${keyword} ${entries[0]}`];
  return ["", `${keyword} (`, ...entries.map((entry) => `\t${entry}`), ")"];
};

export const goModText = (spec: GoModule): string =>
  [
    `module ${spec.module}`,
    "",
    `go ${spec.go}`,
    ...(spec.godebug && spec.godebug.length > 0 ? ["", ...spec.godebug] : []),
    ...directive(
      "require",
      spec.require.map(([path, version]) => `${path} ${version}`),
    ),
    ...directive("replace", spec.replace ?? []),
    ...directive("tool", spec.tools ?? []),
    "",
  ].join("\n");
