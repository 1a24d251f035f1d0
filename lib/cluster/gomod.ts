/**
 * The small Go modules that build the real control plane from the Go module proxy. Kubernetes'
 * go.mod replaces its staging modules (k8s.io/api, k8s.io/apiserver, …) with local paths and
 * requires them at v0.0.0, so `go install k8s.io/kubernetes/cmd/...@v1.x` is refused: a build
 * module requires k8s.io/kubernetes and points each v0.0.0 require at its published v0.x.y.
 */

/** Modules a go.mod requires at `v0.0.0`: the staging modules, read from the served file, not listed by hand. */
export const placeholderRequires = (goMod: string): string[] =>
  [...goMod.matchAll(/^\s*(?:require\s+)?(\S+)\s+v0\.0\.0\s*(?:\/\/.*)?$/gm)].map((match) => match[1] ?? "");

/** `godebug` lines, so the binaries keep the runtime behaviour Kubernetes was released with. */
export const godebugLines = (goMod: string): string[] =>
  goMod.split("\n").filter((line) => /^godebug\b/.test(line.trim()));

/** Staging modules are published as v0.<minor>.<patch> next to k8s.io/kubernetes v1.<minor>.<patch>. */
export const stagingVersion = (kubernetesVersion: string): string => kubernetesVersion.replace(/^1\./, "0.");

export interface BuildModule {
  module: string;
  require: string;
  version: string;
  tools: readonly string[];
  replace?: readonly string[];
  replaceVersion?: string;
  godebug?: readonly string[];
}

/** go.mod text of a build module: one require, the replaces, and the commands as `tool` lines. */
export const buildModuleText = (spec: BuildModule): string =>
  [
    `module ${spec.module}`,
    "",
    "go 1.25.0",
    ...(spec.godebug && spec.godebug.length > 0 ? ["", ...spec.godebug] : []),
    "",
    `require ${spec.require} v${spec.version}`,
    ...(spec.replace && spec.replace.length > 0
      ? ["", "replace (", ...spec.replace.map((path) => `\t${path} => ${path} v${spec.replaceVersion}`), ")"]
      : []),
    "",
    "tool (",
    ...spec.tools.map((tool) => `\t${tool}`),
    ")",
    "",
  ].join("\n");

/** -ldflags values Kubernetes' own build sets; without them the binaries report v0.0.0-master. */
export const kubernetesLdflags = (version: string, buildDate: string): string => {
  const [major = "", minor = ""] = version.split(".");
  const pkg = "k8s.io/component-base/version";
  const vars = {
    gitVersion: `v${version}`,
    gitMajor: major,
    gitMinor: minor,
    gitTreeState: "clean",
    buildDate,
  };
  return ["-s", "-w", ...Object.entries(vars).map(([key, value]) => `-X ${pkg}.${key}=${value}`)].join(" ");
};
