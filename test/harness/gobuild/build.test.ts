/**
 * The one Go build runner (harness/gobuild) and the builds that use it, without building: the exact go
 * command lines of every build (the cold path, which warm caches never run), the cache folders the
 * warm path finds, and the runner itself with a stand-in `go`.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { etcdBuild, kubernetesBuild } from "../../../harness/cluster/build.ts";
import { cliBuild, hostsBuild, providerBuild } from "../../../harness/engine/build.ts";
import { type GoBuild, goCommands, runBuild, tidy, writeGoMod } from "../../../harness/gobuild/build.ts";
import { cacheDir, cacheRoot } from "../../../harness/gobuild/cache.ts";
import { goModText } from "../../../harness/gobuild/gomod.ts";
import { versionAtLeast } from "../../../lib/core/version.ts";

const NOW = new Date("2026-01-01T00:00:00Z");
const K8S_LDFLAGS =
  "-s -w -X k8s.io/component-base/version.gitVersion=v1.35.4 -X k8s.io/component-base/version.gitMajor=1 " +
  "-X k8s.io/component-base/version.gitMinor=35 -X k8s.io/component-base/version.gitTreeState=clean " +
  "-X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00.000Z";
const PULUMI_VERSION_VAR = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
const PROVIDER = "github.com/pulumi/pulumi-kubernetes/provider/v4";

describe("the go commands of every build (what a cold cache runs)", () => {
  test("etcd: tidy, then one verbose build of the server module into bin/etcd", () => {
    expect(goCommands(etcdBuild().steps)).toEqual([
      ["mod", "tidy"],
      ["build", "-v", "-trimpath", "-ldflags", "-s -w", "-o", "bin/etcd", "go.etcd.io/etcd/server/v3"],
    ]);
  });

  test("kubernetes: the served go.mod, tidy, one verbose build of the three commands into bin/", () => {
    expect(goCommands(kubernetesBuild(undefined, NOW).steps)).toEqual([
      ["mod", "download", "-json", "k8s.io/kubernetes@v1.35.4"],
      ["mod", "tidy"],
      [
        "build",
        "-v",
        "-trimpath",
        "-ldflags",
        K8S_LDFLAGS,
        "-o",
        "bin/",
        "k8s.io/kubernetes/cmd/kube-apiserver",
        "k8s.io/kubernetes/cmd/kube-controller-manager",
        "k8s.io/kubernetes/cmd/kube-scheduler",
      ],
    ]);
  });

  test("the Pulumi CLI: tidy, build with its version", () => {
    expect(goCommands(cliBuild().steps)).toEqual([
      ["mod", "tidy"],
      [
        "build",
        "-trimpath",
        "-ldflags",
        `-s -w -X ${PULUMI_VERSION_VAR}=v3.274.0`,
        "-o",
        "bin/pulumi",
        "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
      ],
    ]);
  });

  test("the language hosts: copied main packages, tidy, one build each with their line's version", () => {
    const build = hostsBuild("/src/pulumi");
    expect(build.steps.map((step) => step.what)).toEqual([
      "writing go.mod",
      "copying sdk/nodejs/cmd/pulumi-language-nodejs at 1b5949891b3c",
      "copying sdk/nodejs/cmd/pulumi-language-bun at 1b5949891b3c",
      "go mod tidy",
      "go build pulumi-language-nodejs",
      "go build pulumi-language-bun",
    ]);
    const ldflags = `-s -w -X ${PULUMI_VERSION_VAR}=v3.260.0`;
    expect(goCommands(build.steps)).toEqual([
      ["mod", "tidy"],
      ...["pulumi-language-nodejs", "pulumi-language-bun"].map((name) => [
        "build",
        "-trimpath",
        "-ldflags",
        ldflags,
        "-o",
        `bin/${name}`,
        `./${name}`,
      ]),
    ]);
  });

  test("the provider: its module downloaded, tidy, its generate step, build as the plugin version", () => {
    expect(goCommands(providerBuild().steps)).toEqual([
      ["mod", "download", "-json", `${PROVIDER}@v4.0.0-20260115033456-f47bc2d6f199`],
      ["mod", "tidy"],
      ["build", "-o", "generate", "generate.go"],
      [
        "build",
        "-trimpath",
        "-ldflags",
        `-s -w -X ${PROVIDER}/pkg/version.Version=4.34.2`,
        "-o",
        "bin/pulumi-resource-kubernetes",
        `${PROVIDER}/cmd/pulumi-resource-kubernetes`,
      ],
    ]);
  });

  test("every build writes its go.mod before any go command", () => {
    for (const build of [etcdBuild(), cliBuild(), hostsBuild("/s"), providerBuild()])
      expect(build.steps[0]?.what).toBe("writing go.mod");
  });
});

describe("the cache", () => {
  test("each build lands where the warm path looks: ~/.cache/homelab/<component>-<version>/", () => {
    const root = cacheRoot();
    const where = (build: GoBuild) => [build.target.slice(root.length + 1), ...build.binaries];
    expect(where(etcdBuild())).toEqual(["etcd-3.6.16", "etcd"]);
    expect(where(kubernetesBuild())).toEqual([
      "kubernetes-1.35.4",
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
    ]);
    expect(where(cliBuild())).toEqual(["pulumi-3.274.0", "pulumi"]);
    expect(where(hostsBuild("/s"))).toEqual([
      "pulumi-3.274.0",
      "pulumi-language-nodejs",
      "pulumi-language-bun",
    ]);
    expect(where(providerBuild())).toEqual([
      "pulumi-resource-kubernetes-4.0.0-20260115033456-f47bc2d6f199",
      "pulumi-resource-kubernetes",
    ]);
  });

  test("the root follows XDG_CACHE_HOME, else HOME", () => {
    expect(cacheRoot({ XDG_CACHE_HOME: "/c", HOME: "/h" })).toBe("/c/homelab");
    expect(cacheRoot({ HOME: "/h" })).toBe("/h/.cache/homelab");
    expect(cacheDir("etcd", "3.6.16", "/c/homelab")).toBe("/c/homelab/etcd-3.6.16");
  });
});

describe("go.mod text and Go versions", () => {
  test("one entry is one line, more are a block, empty directives are left out", () => {
    const text = goModText({
      module: "homelab.local/build/x",
      go: "1.25.0",
      godebug: ["godebug default=go1.25"],
      require: [["example.com/a", "v1.0.0"]],
      replace: ["example.com/b => example.com/b v0.1.0", "example.com/c => ./c"],
      tools: ["example.com/a/cmd/a"],
    });
    expect(text).toBe(
      "module homelab.local/build/x\n\ngo 1.25.0\n\ngodebug default=go1.25\n\nrequire example.com/a v1.0.0\n\n" +
        "replace (\n\texample.com/b => example.com/b v0.1.0\n\texample.com/c => ./c\n)\n\n" +
        "tool example.com/a/cmd/a\n",
    );
    expect(goModText({ module: "m", go: "1.26.6", require: [] })).toBe("module m\n\ngo 1.26.6\n");
  });

  test("go version lines, compared by the one version comparison", () => {
    expect(versionAtLeast("go version go1.26.8 linux/amd64", [1, 26])).toBe(true);
    expect(versionAtLeast("go version go1.26.8 linux/amd64", [1, 25])).toBe(true);
    expect(versionAtLeast("go version go1.25.3 linux/amd64", [1, 26])).toBe(false);
    expect(versionAtLeast("go version go2.0 linux/amd64", [1, 26])).toBe(true);
    expect(versionAtLeast("bash: go: not found", [1, 25])).toBe(false);
  });
});

/** A stand-in `go` that logs its arguments, prints download JSON, and fails on `fail`. */
const fakeGo = (dir: string): string => {
  const path = join(dir, "go");
  writeFileSync(
    path,
    '#!/bin/sh\necho "ran $*" >&2\n[ "$1" = fail ] && exit 1\n[ "$2" = download ] && echo \'{"Dir":"/mod/dir"}\'\nexit 0\n',
  );
  chmodSync(path, 0o755);
  return path;
};

const testBuild = (target: string, steps: GoBuild["steps"]): GoBuild => ({
  name: "tool 1.0",
  label: "tool",
  takes: "no time",
  target,
  binaries: ["tool"],
  minGo: [1, 0],
  goHelp: "",
  steps,
});

describe("the runner", () => {
  test("runs the steps in a build folder beside the target and moves the binaries in", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gobuild-"));
    const target = join(dir, "tool-1.0");
    let downloaded = "";
    const build = testBuild(target, [
      writeGoMod("module m\n"),
      {
        what: "download",
        download: "example.com/m@v1",
        use: (module) => {
          downloaded = module.Dir ?? "";
          return true;
        },
      },
      tidy,
      {
        what: "compile",
        run: (run) => {
          writeFileSync(join(run.work, "bin/tool"), "binary");
          return true;
        },
      },
    ]);
    expect((await runBuild(build, fakeGo(dir))).isOk()).toBe(true);
    expect(downloaded).toBe("/mod/dir");
    expect(readFileSync(join(target, "tool"), "utf8")).toBe("binary");
    expect(readdirSync(dir).sort()).toEqual(["go", "tool-1.0"]);
  });

  test("a failing step names itself and shows the log's end; the build folder is kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gobuild-"));
    const target = join(dir, "tool-1.0");
    const result = await runBuild(testBuild(target, [{ what: "go fail", go: ["fail", "now"] }]), fakeGo(dir));
    const error = result._unsafeUnwrapErr();
    expect(error).toStartWith("go fail of tool 1.0 failed; last lines of");
    expect(error).toContain("    ran fail now");
    expect(existsSync(join(target, "tool"))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith("tool-1.0.build-"))).toHaveLength(1);
  });

  test("a build that leaves a binary out fails rather than caching half of it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gobuild-"));
    const result = await runBuild(testBuild(join(dir, "tool-1.0"), [tidy]), fakeGo(dir));
    expect(result._unsafeUnwrapErr()).toContain("built without tool");
  });
});
