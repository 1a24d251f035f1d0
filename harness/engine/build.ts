/**
 * Builds the Pulumi engine (versions.ts) into the cache with the shared Go build runner
 * (harness/gobuild), once per machine and version: the CLI, the language hosts (beside the CLI, which
 * finds them there) and the Kubernetes provider.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { okAsync, type ResultAsync } from "neverthrow";
import {
  type BuildStep,
  ensureBuilt,
  type GoBuild,
  goBuild,
  isBuilt,
  tidy,
  writeGoMod,
} from "../gobuild/build.ts";
import type { GoRun } from "../gobuild/go.ts";
import {
  cliLdflags,
  cliModule,
  languageHostModule,
  MIN_ENGINE_GO,
  mainPackageFiles,
  PROVIDER_PACKAGE,
  PULUMI_CLI_PACKAGE,
  providerLdflags,
  providerModule,
} from "./gomod.ts";
import {
  engineDir,
  KUBERNETES_PLUGIN_VERSION,
  KUBERNETES_PROVIDER_BUILD,
  KUBERNETES_PROVIDER_MODULE,
  LANGUAGE_HOST_COMMIT,
  LANGUAGE_HOST_PULUMI_VERSION,
  LANGUAGE_HOSTS,
  PROVIDER_BINARY,
  PULUMI_SOURCE_ENV,
  PULUMI_VERSION,
  providerDir,
} from "./versions.ts";

export interface Engine {
  /** Folder holding pulumi and, when built, pulumi-language-nodejs and pulumi-language-bun. */
  bin: string;
  pulumi: string;
  provider: string;
  /** Whether the language hosts are there: `runtime: bun` programs run as a user runs them. */
  languageHosts: boolean;
}

const GO_HELP =
  "bun run e2e builds the Pulumi engine from the Go module proxy and needs Go " +
  `${MIN_ENGINE_GO.join(".")} or newer on PATH: install it from https://go.dev/dl/, then run the command again.`;

const engineBuild = (spec: Pick<GoBuild, "name" | "label" | "target" | "binaries" | "steps">): GoBuild => ({
  ...spec,
  takes: "minutes on 2 cores",
  minGo: MIN_ENGINE_GO,
  goHelp: GO_HELP,
});

export const cliBuild = (): GoBuild =>
  engineBuild({
    name: "pulumi",
    label: `the Pulumi CLI ${PULUMI_VERSION} from the Go module proxy`,
    target: engineDir(),
    binaries: ["pulumi"],
    steps: [
      writeGoMod(cliModule()),
      tidy,
      goBuild({ ldflags: cliLdflags(), binary: "pulumi", packages: [PULUMI_CLI_PACKAGE] }),
    ],
  });

/** Copies a language host's main package out of a pulumi clone at the pinned commit. */
const copyMainPackage = (source: string, path: string, into: string, log: string): boolean => {
  const git = (...args: string[]) => spawnSync("git", ["-C", source, ...args], { encoding: "utf8" });
  const listing = git("ls-tree", "--name-only", `${LANGUAGE_HOST_COMMIT}:${path}`);
  if (listing.status !== 0) {
    writeFileSync(log, `git ls-tree ${LANGUAGE_HOST_COMMIT}:${path} in ${source}: ${listing.stderr}\n`, {
      flag: "a",
    });
    return false;
  }
  mkdirSync(into, { recursive: true });
  for (const file of mainPackageFiles(listing.stdout)) {
    writeFileSync(join(into, file), git("show", `${LANGUAGE_HOST_COMMIT}:${path}/${file}`).stdout);
  }
  return true;
};

/** The language hosts, from a pulumi clone (`source`), into the CLI's folder. */
export const hostsBuild = (source: string): GoBuild =>
  engineBuild({
    name: "the language hosts",
    label: `the Node.js and Bun language hosts from ${source} at ${LANGUAGE_HOST_COMMIT.slice(0, 12)}`,
    target: engineDir(),
    binaries: Object.keys(LANGUAGE_HOSTS),
    steps: [
      writeGoMod(languageHostModule()),
      ...Object.entries(LANGUAGE_HOSTS).map(([name, path]) => ({
        what: `copying ${path} at ${LANGUAGE_HOST_COMMIT.slice(0, 12)}`,
        run: (run: GoRun) => copyMainPackage(source, path, join(run.work, name), run.log),
      })),
      tidy,
      ...Object.keys(LANGUAGE_HOSTS).map((name) =>
        goBuild({
          what: `go build ${name}`,
          ldflags: cliLdflags(LANGUAGE_HOST_PULUMI_VERSION),
          binary: name,
          packages: [`./${name}`],
        }),
      ),
    ],
  });

const GENERATE = "the generate step (embedded schema)";
const generateDir = (run: GoRun): string => join(run.work, "provider/cmd/pulumi-resource-kubernetes");

/** The module's own generate step: schema.json and terraform-mapping.json → their -embed.json. */
const generateEmbeds: BuildStep[] = [
  {
    what: GENERATE,
    run: (run) => {
      cpSync(join(generateDir(run), "generate.go"), join(run.work, "generate.go"));
      return true;
    },
  },
  { what: GENERATE, go: ["build", "-o", "generate", "generate.go"] },
  {
    what: GENERATE,
    run: (run) => {
      const generated = spawnSync(join(run.work, "generate"), {
        cwd: generateDir(run),
        env: { ...process.env, VERSION: KUBERNETES_PLUGIN_VERSION },
        encoding: "utf8",
      });
      writeFileSync(run.log, `generate: ${generated.stdout}${generated.stderr}\n`, { flag: "a" });
      return generated.status === 0 && existsSync(join(generateDir(run), "schema-embed.json"));
    },
  },
];

/** A writable copy of the provider module, downloaded through the proxy, in ./provider. */
const copyProviderModule: BuildStep = {
  what: `downloading ${KUBERNETES_PROVIDER_MODULE}`,
  download: `${KUBERNETES_PROVIDER_MODULE}@${KUBERNETES_PROVIDER_BUILD}`,
  use: (module, run) => {
    if (!module.Dir) return false;
    cpSync(module.Dir, join(run.work, "provider"), { recursive: true });
    spawnSync("chmod", ["-R", "u+w", join(run.work, "provider")]);
    return true;
  },
};

export const providerBuild = (): GoBuild =>
  engineBuild({
    name: PROVIDER_BINARY,
    label: `the Kubernetes provider ${KUBERNETES_PROVIDER_BUILD} from the Go module proxy`,
    target: providerDir(),
    binaries: [PROVIDER_BINARY],
    steps: [
      writeGoMod(providerModule()),
      copyProviderModule,
      tidy,
      ...generateEmbeds,
      goBuild({
        ldflags: providerLdflags(KUBERNETES_PLUGIN_VERSION),
        binary: PROVIDER_BINARY,
        packages: [PROVIDER_PACKAGE],
      }),
    ],
  });

/**
 * The language hosts, when this machine can have them: cached, or built from a pulumi clone named
 * by HOMELAB_PULUMI_SOURCE. Without either, e2e runs the same programs inline (harness/e2eInline.ts).
 */
const ensureHosts = (source = process.env[PULUMI_SOURCE_ENV]): ResultAsync<boolean, string> => {
  if (isBuilt(hostsBuild(source ?? ""))) return okAsync(true);
  if (!source) return okAsync(false);
  return ensureBuilt(hostsBuild(source)).map(() => true);
};

/** The engine's binaries, built first where this machine has not built them yet. */
export const ensureEngine = (): ResultAsync<Engine, string> =>
  ensureBuilt(cliBuild())
    .andThen(() => ensureBuilt(providerBuild()))
    .andThen(() => ensureHosts())
    .map((languageHosts) => {
      const bin = engineDir();
      const engine: Engine = {
        bin,
        pulumi: join(bin, "pulumi"),
        provider: join(providerDir(), PROVIDER_BINARY),
        languageHosts,
      };
      for (const path of [engine.pulumi, engine.provider]) chmodSync(path, 0o755);
      return engine;
    });
