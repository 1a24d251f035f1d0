/**
 * The build modules of the real control plane (versions.ts). Kubernetes' go.mod replaces its
 * staging modules (k8s.io/api, k8s.io/apiserver, …) with local paths and requires them at v0.0.0,
 * so `go install k8s.io/kubernetes/cmd/...@v1.x` is refused: a build module requires
 * k8s.io/kubernetes and points each v0.0.0 require at its published v0.x.y.
 */
import { goModText } from "../gobuild/gomod.ts";
import { COMPONENTS, type Component } from "./versions.ts";

/** The `go` directive of the build modules (k8s.io/kubernetes 1.35 says `go 1.25.0`). */
const GO_DIRECTIVE = "1.25.0";

/** Modules a go.mod requires at `v0.0.0`: the staging modules, read from the served file, not listed by hand. */
export const placeholderRequires = (goMod: string): string[] =>
  [...goMod.matchAll(/^\s*(?:require\s+)?(\S+)\s+v0\.0\.0\s*(?:\/\/.*)?$/gm)].map((match) => match[1] ?? "");

/** `godebug` lines, so the binaries keep the runtime behaviour Kubernetes was released with. */
const godebugLines = (goMod: string): string[] =>
  goMod.split("\n").filter((line) => /^godebug\b/.test(line.trim()));

/** Staging modules are published as v0.<minor>.<patch> next to k8s.io/kubernetes v1.<minor>.<patch>. */
const stagingVersion = (kubernetesVersion: string): string => kubernetesVersion.replace(/^1\./, "0.");

const componentModule = (component: Component) => ({
  module: `homelab.local/build/${component.name}`,
  go: GO_DIRECTIVE,
  require: [[component.module, `v${component.version}`]] as const,
  tools: component.commands,
});

/** etcd's server module: one require, the command as a tool. */
export const etcdModule = (etcd: Component = COMPONENTS.etcd): string => goModText(componentModule(etcd));

/** Kubernetes, from its served go.mod (`served`): its staging modules pinned, its godebug lines kept. */
export const kubernetesModule = (served: string, kubernetes: Component = COMPONENTS.kubernetes): string => {
  const staging = stagingVersion(kubernetes.version);
  return goModText({
    ...componentModule(kubernetes),
    godebug: godebugLines(served),
    replace: placeholderRequires(served).map((path) => `${path} => ${path} v${staging}`),
  });
};

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
