/**
 * Builds the control plane binaries (versions.ts) from the Go module proxy with the shared Go
 * build runner (harness/gobuild), once per machine and version.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultAsync } from "neverthrow";
import {
  type BuildStep,
  ensureBuilt,
  type GoBuild,
  goBuild,
  tidy,
  writeGoMod,
  writeInWork,
} from "../gobuild/build.ts";
import { etcdModule, kubernetesLdflags, kubernetesModule } from "./gomod.ts";
import { binaryName, COMPONENTS, type Component, componentDir, MIN_GO } from "./versions.ts";

export type Binaries = Record<
  "etcd" | "kube-apiserver" | "kube-controller-manager" | "kube-scheduler",
  string
>;

const GO_HELP =
  `verify:cluster builds etcd and Kubernetes from the Go module proxy and needs Go ${MIN_GO.join(".")} or newer ` +
  "on PATH: install it from https://go.dev/dl/ (Debian's golang-go is too old), then run the command again.";

const componentBuild = (component: Component, steps: BuildStep[]): GoBuild => ({
  name: `${component.name} ${component.version}`,
  label: `${component.name} ${component.version} from the Go module proxy`,
  takes: "a cold Kubernetes build takes tens of minutes on 2 cores",
  target: componentDir(component),
  binaries: component.commands.map(binaryName),
  minGo: MIN_GO,
  goHelp: GO_HELP,
  steps,
});

/** `-o bin/` names a binary after its package, which for etcd's server module would be "server". */
const compile = (component: Component, ldflags: string): BuildStep => {
  const [only] = component.commands;
  return goBuild({
    what: `compiling ${component.name}`,
    ldflags,
    packages: component.commands,
    binary: component.commands.length === 1 && only ? binaryName(only) : undefined,
    verbose: true,
  });
};

export const etcdBuild = (etcd: Component = COMPONENTS.etcd): GoBuild =>
  componentBuild(etcd, [writeGoMod(etcdModule(etcd)), tidy, compile(etcd, "-s -w")]);

/** The served go.mod, not the zip: the placeholder requires are listed there. */
export const kubernetesBuild = (kubernetes: Component = COMPONENTS.kubernetes, now = new Date()): GoBuild =>
  componentBuild(kubernetes, [
    {
      what: "downloading the go.mod",
      download: `${kubernetes.module}@v${kubernetes.version}`,
      use: (module, run) => {
        if (!module.GoMod) return false;
        return writeInWork(run, "go.mod", kubernetesModule(readFileSync(module.GoMod, "utf8"), kubernetes));
      },
    },
    tidy,
    compile(kubernetes, kubernetesLdflags(kubernetes.version, now.toISOString())),
  ]);

const binaryPath = (component: Component, name: string): string => join(componentDir(component), name);

/** The binaries, built first if this machine has not built this version yet. */
export const ensureBinaries = (): ResultAsync<Binaries, string> =>
  ensureBuilt(etcdBuild())
    .andThen(() => ensureBuilt(kubernetesBuild()))
    .map(() => ({
      etcd: binaryPath(COMPONENTS.etcd, "etcd"),
      "kube-apiserver": binaryPath(COMPONENTS.kubernetes, "kube-apiserver"),
      "kube-controller-manager": binaryPath(COMPONENTS.kubernetes, "kube-controller-manager"),
      "kube-scheduler": binaryPath(COMPONENTS.kubernetes, "kube-scheduler"),
    }));
