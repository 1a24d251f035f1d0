/**
 * kwok (sigs.k8s.io/kwok) plays the kubelets of the three Talos-like nodes: it moves every pod the
 * scheduler placed through the lifecycle a kubelet reports (Running and Ready, a Job's pod
 * Succeeded, a deleted pod gone), so the engine's awaits see what a real cluster shows.
 *
 * Built from the Go module proxy like the control plane, once per machine and version, into
 * ~/.cache/homelab/kwok-<version>/. At v0.8.0 the `kwok` binary applies no stage of its own: it
 * stops with "no stages found" unless its config holds some (sigs.k8s.io/kwok@v0.8.0
 * pkg/kwok/cmd/root.go, runE); kwokctl adds the `pod/fast` stages when it writes that config
 * (pkg/kwokctl/runtime/cluster.go, getDefaultPodStages). So the build keeps those three stage files
 * from the module beside the binary, and each run writes them into a config of its own.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResultAsync } from "neverthrow";
import { parseAllDocuments, stringify } from "yaml";
import { type BuildStep, ensureBuilt, type GoBuild, goBuild, tidy, writeGoMod } from "../gobuild/build.ts";
import { cacheDir, cacheRoot } from "../gobuild/cache.ts";
import { goModText } from "../gobuild/gomod.ts";
import type { RunFiles } from "./config.ts";
import { type Server, startServer } from "./processes.ts";

const KWOK_VERSION = "0.8.0";
const KWOK_MODULE = "sigs.k8s.io/kwok";
const KWOK_COMMAND = `${KWOK_MODULE}/cmd/kwok`;
/** sigs.k8s.io/kwok v0.8.0's go.mod says `go 1.26.0`. */
const MIN_KWOK_GO = [1, 26] as const;

/**
 * The stages kwokctl gives kwok by default (kustomize/stage/pod/fast: ready, complete, delete;
 * kustomize/stage/node/fast: initialize). A node stage is needed even though the nodes are Ready
 * already: kwok starts its node controller, which hands it the nodes' pods, only for node stages
 * (pkg/kwok/controllers/controller.go, startStageController).
 */
const STAGES = {
  "pod-ready.yaml": "kustomize/stage/pod/fast",
  "pod-complete.yaml": "kustomize/stage/pod/fast",
  "pod-delete.yaml": "kustomize/stage/pod/fast",
  "node-initialize.yaml": "kustomize/stage/node/fast",
} as const;
const STAGE_FILES = Object.keys(STAGES) as (keyof typeof STAGES)[];

const kwokDir = (root = cacheRoot()): string => cacheDir("kwok", KWOK_VERSION, root);

const kwokBuild = (target = kwokDir()): GoBuild => ({
  name: `kwok ${KWOK_VERSION}`,
  label: `kwok ${KWOK_VERSION} from the Go module proxy`,
  takes: "about 2 minutes on 2 cores",
  target,
  binaries: ["kwok", ...STAGE_FILES],
  minGo: MIN_KWOK_GO,
  goHelp: `kwok ${KWOK_VERSION} needs Go ${MIN_KWOK_GO.join(".")} or newer on PATH: install it from https://go.dev/dl/.`,
  steps: [
    writeGoMod(
      goModText({
        module: "homelab.local/build/kwok",
        go: "1.26.0",
        require: [[KWOK_MODULE, `v${KWOK_VERSION}`]],
        tools: [KWOK_COMMAND],
      }),
    ),
    tidy,
    goBuild({ what: "compiling kwok", ldflags: "-s -w", packages: [KWOK_COMMAND], binary: "kwok" }),
    keepStages,
  ],
});

/** Copies the module's own stage files into bin/, beside the binary. */
const keepStages: BuildStep = {
  what: "keeping kwok's pod stages",
  download: `${KWOK_MODULE}@v${KWOK_VERSION}`,
  use: (module, run) => {
    if (!module.Dir) return false;
    for (const file of STAGE_FILES)
      copyFileSync(join(module.Dir, STAGES[file], file), join(run.work, "bin", file));
    return true;
  },
};

export const ensureKwok = (): ResultAsync<string, string> => ensureBuilt(kwokBuild()).map(() => kwokDir());

interface Stage {
  metadata: { name: string };
  spec: { selector?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
}

/**
 * Pods the harness finishes itself instead of kwok (harness/cluster/gateRunner.ts): the webhook
 * gates, whose pod template carries the gate label (lib/k8s/webhookGate.ts). A stage's selector key
 * is a jq expression on the pod (kwok's Stage API, matchExpressions).
 */
const notRunByHarness = (label: string) => ({
  key: `.metadata.labels["${label}"]`,
  operator: "DoesNotExist",
});

/**
 * The run's kwok config: the upstream stages as the module has them, except that
 * pod-complete leaves the pods labelled `harnessLabel` to the harness.
 */
const kwokConfig = (dir: string, harnessLabel: string): string =>
  STAGE_FILES.map((file) => {
    const [document] = parseAllDocuments(readFileSync(join(dir, file), "utf8"));
    const stage = document?.toJS() as Stage;
    if (stage.metadata.name === "pod-complete")
      stage.spec.selector?.matchExpressions?.push(notRunByHarness(harnessLabel));
    return stringify(stage, { blockQuote: "literal" });
  }).join("---\n");

/**
 * Starts kwok against the run's API server, managing every node (`--manage-all-nodes`: the nodes
 * are the harness's, none is kwok's own). HOME points into the run's folder, so no
 * ~/.kwok/kwok.yaml of the user's is loaded (pkg/config/flags.go loads it first when it exists).
 */
export const startKwok = (dir: string, files: RunFiles, harnessLabel: string): Server => {
  const config = join(files.dir, "kwok.yaml");
  writeFileSync(config, kwokConfig(dir, harnessLabel));
  return startServer(
    "kwok",
    join(dir, "kwok"),
    [`--kubeconfig=${files.kubeconfig}`, `--config=${config}`, "--manage-all-nodes=true"],
    join(files.dir, "kwok.log"),
    { HOME: files.dir },
  );
};
