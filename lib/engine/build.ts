/**
 * Builds the Pulumi engine (versions.ts) into the cache, once per machine and version: each part
 * in a temporary build module beside its cache folder, moved into place only when it built. Logs
 * go to build.log in the build folder; a failure returns its last lines.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { logTail } from "../cluster/processes.ts";
import {
  cliLdflags,
  cliModule,
  languageHostModule,
  mainPackageFiles,
  providerLdflags,
  providerModule,
} from "./gomod.ts";
import {
  ENGINE_BINARIES,
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
  /** Folder holding pulumi, pulumi-language-nodejs and pulumi-language-bun. */
  bin: string;
  pulumi: string;
  provider: string;
}

const GO_ENV = { GOWORK: "off", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" };

/** Runs a go command in `cwd`, appending its output to `log`. */
const go = async (args: string[], cwd: string, log: string): Promise<boolean> => {
  writeFileSync(log, `$ go ${args.join(" ")}\n`, { flag: "a" });
  const child = Bun.spawn(["go", ...args], {
    cwd,
    env: { ...process.env, ...GO_ENV },
    stdout: Bun.file(`${log}.part`),
    stderr: "pipe",
  });
  const stderr = await new Response(child.stderr).text();
  const code = await child.exited;
  const stdout = existsSync(`${log}.part`) ? readFileSync(`${log}.part`, "utf8") : "";
  writeFileSync(log, stdout + stderr, { flag: "a" });
  rmSync(`${log}.part`, { force: true });
  return code === 0;
};

interface Step {
  what: string;
  run: () => Promise<boolean> | boolean;
}

const writeGoMod = (work: string, text: string): Step => ({
  what: "writing go.mod",
  run: () => {
    writeFileSync(join(work, "go.mod"), text);
    return true;
  },
});

/** Runs steps in a fresh build folder; moves `bin/` to `target` when all pass. */
const build = async (
  name: string,
  target: string,
  steps: (work: string, log: string) => Step[],
): Promise<Result<void, string>> => {
  mkdirSync(join(target, ".."), { recursive: true });
  const work = mkdtempSync(`${target}.build-`);
  const log = join(work, "build.log");
  mkdirSync(join(work, "bin"));
  for (const step of steps(work, log)) {
    if (!(await step.run()))
      return err(`${step.what} of ${name} failed; last lines of ${log}:\n${logTail(log, 25)}`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(join(work, "bin"), target);
  rmSync(work, { recursive: true, force: true });
  return ok(undefined);
};

const tidy = (work: string, log: string): Step => ({
  what: "go mod tidy",
  run: () => go(["mod", "tidy"], work, log),
});

/** `go build` of one main package into `bin/<binary>`, with the version ldflags. */
const goBuild = (
  what: string,
  spec: { ldflags: string; binary: string; pkg: string },
  work: string,
  log: string,
): Step => ({
  what,
  run: () =>
    go(["build", "-trimpath", "-ldflags", spec.ldflags, "-o", `bin/${spec.binary}`, spec.pkg], work, log),
});

const cliSteps = (work: string, log: string): Step[] => [
  writeGoMod(work, cliModule()),
  tidy(work, log),
  goBuild(
    "go build",
    { ldflags: cliLdflags(), binary: "pulumi", pkg: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" },
    work,
    log,
  ),
];

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

const languageHostSteps =
  (source: string) =>
  (work: string, log: string): Step[] => [
    writeGoMod(work, languageHostModule()),
    ...Object.entries(LANGUAGE_HOSTS).map(([name, path]) => ({
      what: `copying ${path} at ${LANGUAGE_HOST_COMMIT.slice(0, 12)}`,
      run: () => copyMainPackage(source, path, join(work, name), log),
    })),
    tidy(work, log),
    ...Object.keys(LANGUAGE_HOSTS).map((name) =>
      goBuild(
        `go build ${name}`,
        { ldflags: cliLdflags(LANGUAGE_HOST_PULUMI_VERSION), binary: name, pkg: `./${name}` },
        work,
        log,
      ),
    ),
  ];

/** The module's own generate step: schema.json and terraform-mapping.json → their -embed.json. */
const generateEmbeds = async (work: string, log: string): Promise<boolean> => {
  const cmd = join(work, "provider/cmd/pulumi-resource-kubernetes");
  cpSync(join(cmd, "generate.go"), join(work, "generate.go"));
  if (!(await go(["build", "-o", "generate", "generate.go"], work, log))) return false;
  const run = spawnSync(join(work, "generate"), {
    cwd: cmd,
    env: { ...process.env, VERSION: KUBERNETES_PLUGIN_VERSION },
    encoding: "utf8",
  });
  writeFileSync(log, `generate: ${run.stdout}${run.stderr}\n`, { flag: "a" });
  return run.status === 0 && existsSync(join(cmd, "schema-embed.json"));
};

/** A writable copy of the provider module, downloaded through the proxy. */
const copyProviderModule = async (work: string, log: string): Promise<boolean> => {
  const module = `${KUBERNETES_PROVIDER_MODULE}@${KUBERNETES_PROVIDER_BUILD}`;
  const download = spawnSync("go", ["mod", "download", "-json", module], {
    cwd: work,
    env: { ...process.env, ...GO_ENV },
    encoding: "utf8",
  });
  writeFileSync(log, download.stdout + download.stderr, { flag: "a" });
  const dir = (JSON.parse(download.stdout || "{}") as { Dir?: string }).Dir;
  if (download.status !== 0 || !dir) return false;
  cpSync(dir, join(work, "provider"), { recursive: true });
  spawnSync("chmod", ["-R", "u+w", join(work, "provider")]);
  return true;
};

const providerSteps = (work: string, log: string): Step[] => [
  writeGoMod(work, providerModule()),
  { what: `downloading ${KUBERNETES_PROVIDER_MODULE}`, run: () => copyProviderModule(work, log) },
  tidy(work, log),
  { what: "the generate step (embedded schema)", run: () => generateEmbeds(work, log) },
  goBuild(
    "go build",
    {
      ldflags: providerLdflags(KUBERNETES_PLUGIN_VERSION),
      binary: PROVIDER_BINARY,
      pkg: `${KUBERNETES_PROVIDER_MODULE}/cmd/pulumi-resource-kubernetes`,
    },
    work,
    log,
  ),
];

const timed = async (
  label: string,
  job: () => Promise<Result<void, string>>,
): Promise<Result<void, string>> => {
  const started = Date.now();
  console.log(`Building ${label} (once per machine; minutes on 2 cores)…`);
  const result = await job();
  if (result.isOk()) console.log(`  built ${label} in ${Math.round((Date.now() - started) / 1000)}s`);
  return result;
};

const SOURCE_HELP =
  `The Node.js language host is not published as a Go module, so its source comes from a clone of ` +
  `github.com/pulumi/pulumi containing commit ${LANGUAGE_HOST_COMMIT}: set ${PULUMI_SOURCE_ENV} to it ` +
  "(git clone https://github.com/pulumi/pulumi), then run again. It is needed once: the build is cached.";

/** Why the engine cannot be built here, checked before any build starts; undefined when it can. */
export const engineUnbuildable = (
  env: Record<string, string | undefined> = process.env,
): string | undefined =>
  ENGINE_BINARIES.every((name) => existsSync(join(engineDir(), name))) || env[PULUMI_SOURCE_ENV]
    ? undefined
    : SOURCE_HELP;

/** The engine's binaries, built first where this machine has not built them yet. */
export const ensureEngine = async (): Promise<Result<Engine, string>> => {
  const bin = engineDir();
  const engine: Engine = { bin, pulumi: join(bin, "pulumi"), provider: join(providerDir(), PROVIDER_BINARY) };
  if (!existsSync(engine.pulumi)) {
    const built = await timed(`the Pulumi CLI ${PULUMI_VERSION} from the Go module proxy`, () =>
      build("pulumi", bin, cliSteps),
    );
    if (built.isErr()) return err(built.error);
  }
  if (!ENGINE_BINARIES.every((name) => existsSync(join(bin, name)))) {
    const source = process.env[PULUMI_SOURCE_ENV];
    if (!source) return err(SOURCE_HELP);
    const hosts = join(`${bin}.hosts`);
    const built = await timed(
      `the Node.js and Bun language hosts from ${source} at ${LANGUAGE_HOST_COMMIT.slice(0, 12)}`,
      () => build("the language hosts", hosts, languageHostSteps(source)),
    );
    if (built.isErr()) return err(`${built.error}\n${SOURCE_HELP}`);
    for (const name of Object.keys(LANGUAGE_HOSTS)) renameSync(join(hosts, name), join(bin, name));
    rmSync(hosts, { recursive: true, force: true });
  }
  if (!existsSync(engine.provider)) {
    const built = await timed(
      `the Kubernetes provider ${KUBERNETES_PROVIDER_BUILD} from the Go module proxy`,
      () => build("pulumi-resource-kubernetes", providerDir(), providerSteps),
    );
    if (built.isErr()) return err(built.error);
  }
  for (const path of [engine.pulumi, engine.provider]) chmodSync(path, 0o755);
  return ok(engine);
};
