/**
 * The control plane `verify:cluster` runs, built from the Go module proxy. Kubernetes 1.35 is
 * supported by Talos 1.12 and 1.13 (both list 1.30/1.31 to 1.35/1.36); etcd 3.6 is what
 * kube-apiserver 1.35 is tested against (it needs ≥ 3.5.13 for consistent watches).
 */
import { cacheDir, cacheRoot } from "../gobuild/cache.ts";

export const KUBERNETES_VERSION = "1.35.4";
export const ETCD_VERSION = "3.6.16";

/** The Go version the build modules declare (k8s.io/kubernetes 1.35 says `go 1.25.0`). */
export const MIN_GO = [1, 25] as const;

export interface Component {
  name: string;
  version: string;
  /** The module the build module requires. */
  module: string;
  /** Command packages, one binary each, named after the last path element. */
  commands: readonly string[];
}

export const COMPONENTS = {
  kubernetes: {
    name: "kubernetes",
    version: KUBERNETES_VERSION,
    module: "k8s.io/kubernetes",
    commands: [
      "k8s.io/kubernetes/cmd/kube-apiserver",
      "k8s.io/kubernetes/cmd/kube-controller-manager",
      "k8s.io/kubernetes/cmd/kube-scheduler",
    ],
  },
  // The etcd binary's main package is the server module's root (server/main.go calls etcdmain.Main).
  etcd: {
    name: "etcd",
    version: ETCD_VERSION,
    module: "go.etcd.io/etcd/server/v3",
    commands: ["go.etcd.io/etcd/server/v3"],
  },
} as const satisfies Record<string, Component>;

/** Binary name of a command package: `…/cmd/kube-apiserver` → kube-apiserver, etcd's server module → etcd. */
export const binaryName = (command: string): string =>
  command === COMPONENTS.etcd.module ? "etcd" : (command.split("/").pop() ?? command);

/** Where a component's binaries are kept, once per machine and version. */
export const componentDir = (component: Component, root = cacheRoot()): string =>
  cacheDir(component.name, component.version, root);
