/**
 * Builds the control plane binaries from the Go module proxy, once per machine and version, into
 * the cache (see versions.ts). A build module per component; progress is the count of packages
 * `go build -v` has compiled, printed while it runs; a failure returns the log's last lines.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import {
  buildModuleText,
  godebugLines,
  kubernetesLdflags,
  placeholderRequires,
  stagingVersion,
} from "./gomod.ts";
import { logTail } from "./processes.ts";
import { binaryName, COMPONENTS, type Component, componentDir, MIN_GO } from "./versions.ts";

export type Binaries = Record<
  "etcd" | "kube-apiserver" | "kube-controller-manager" | "kube-scheduler",
  string
>;

const GO_HELP =
  `verify:cluster builds etcd and Kubernetes from the Go module proxy and needs Go ${MIN_GO.join(".")} or newer ` +
  "on PATH: install it from https://go.dev/dl/ (Debian's golang-go is too old), then run the command again.";

/** `go version` output → [major, minor], or undefined when it is not a Go version line. */
export const parseGoVersion = (text: string): [number, number] | undefined => {
  const match = /\bgo(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
};

const checkGo = (): Result<string, string> => {
  const go = Bun.which("go");
  if (!go) return err(`Go was not found on PATH. ${GO_HELP}`);
  const out = Bun.spawnSync([go, "version"]).stdout.toString();
  const version = parseGoVersion(out);
  const [major, minor] = MIN_GO;
  if (!version || version[0] < major || (version[0] === major && version[1] < minor))
    return err(`${out.trim() || "go version printed nothing"}: too old. ${GO_HELP}`);
  return ok(go);
};

const binariesOf = (component: Component): string[] =>
  component.commands.map((command) => join(componentDir(component), binaryName(command)));

/** Runs one go command in `dir`, appending to `log`; prints a progress line every 20 s while it runs. */
const runGo = async (
  go: string,
  args: string[],
  dir: string,
  log: string,
  label: string,
): Promise<boolean> => {
  const started = Date.now();
  const child = Bun.spawn([go, ...args], {
    cwd: dir,
    env: { ...process.env, GOWORK: "off", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    stdout: "pipe",
    stderr: "pipe",
  });
  let lines = 0;
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      const text = new TextDecoder().decode(chunk);
      lines += text.split("\n").length - 1;
      writeFileSync(log, text, { flag: "a" });
    }
  };
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`  ${label}: ${lines} packages so far, ${seconds}s`);
  }, 20_000);
  await Promise.all([collect(child.stdout), collect(child.stderr)]);
  clearInterval(ticker);
  return (await child.exited) === 0;
};

const buildComponent = async (go: string, component: Component): Promise<Result<void, string>> => {
  const target = componentDir(component);
  const work = mkdtempSync(`${target}.build-`);
  const log = join(work, "build.log");
  const fail = (step: string) =>
    err(
      `${step} of ${component.name} ${component.version} failed; last lines of ${log}:\n${logTail(log, 25)}`,
    );
  let text = buildModuleText({
    module: `homelab.local/build/${component.name}`,
    require: component.module,
    version: component.version,
    tools: component.commands,
  });
  if (component.name === "kubernetes") {
    // The served go.mod, not the zip: the placeholder requires are listed there.
    if (
      !(await runGo(
        go,
        ["mod", "download", "-json", `${component.module}@v${component.version}`],
        work,
        log,
        "download",
      ))
    )
      return fail("downloading the go.mod");
    const goModPath = /"GoMod":\s*"([^"]+)"/.exec(readFileSync(log, "utf8"))?.[1];
    if (!goModPath) return fail("finding the go.mod");
    const served = readFileSync(goModPath, "utf8");
    text = buildModuleText({
      module: `homelab.local/build/${component.name}`,
      require: component.module,
      version: component.version,
      tools: component.commands,
      replace: placeholderRequires(served),
      replaceVersion: stagingVersion(component.version),
      godebug: godebugLines(served),
    });
  }
  writeFileSync(join(work, "go.mod"), text);
  if (!(await runGo(go, ["mod", "tidy"], work, log, "resolving modules"))) return fail("go mod tidy");
  const ldflags =
    component.name === "kubernetes"
      ? kubernetesLdflags(component.version, new Date().toISOString())
      : "-s -w";
  const bin = join(work, "bin");
  mkdirSync(bin);
  // `-o dir/` names a binary after its package, which for etcd's server module would be "server".
  const [only] = component.commands;
  const output = component.commands.length === 1 && only ? join(bin, binaryName(only)) : `${bin}/`;
  const args = ["build", "-v", "-trimpath", "-ldflags", ldflags, "-o", output, ...component.commands];
  if (!(await runGo(go, args, work, log, `compiling ${component.name}`))) return fail("go build");
  rmSync(target, { recursive: true, force: true });
  renameSync(bin, target);
  rmSync(work, { recursive: true, force: true });
  return ok(undefined);
};

/** The binaries, built first if this machine has not built this version yet. */
export const ensureBinaries = async (): Promise<Result<Binaries, string>> => {
  for (const component of [COMPONENTS.etcd, COMPONENTS.kubernetes] as Component[]) {
    if (binariesOf(component).every((path) => existsSync(path))) continue;
    const go = checkGo();
    if (go.isErr()) return err(go.error);
    mkdirSync(join(componentDir(component), ".."), { recursive: true });
    const started = Date.now();
    console.log(
      `Building ${component.name} ${component.version} from the Go module proxy (once per machine; ` +
        `a cold Kubernetes build takes tens of minutes on 2 cores)…`,
    );
    const built = await buildComponent(go.value, component);
    if (built.isErr()) return err(built.error);
    console.log(
      `  built ${component.name} ${component.version} in ${Math.round((Date.now() - started) / 1000)}s`,
    );
  }
  const [apiserver, controllerManager, scheduler] = binariesOf(COMPONENTS.kubernetes);
  const [etcd] = binariesOf(COMPONENTS.etcd);
  return ok({
    etcd: etcd ?? "",
    "kube-apiserver": apiserver ?? "",
    "kube-controller-manager": controllerManager ?? "",
    "kube-scheduler": scheduler ?? "",
  });
};
