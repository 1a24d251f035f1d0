/**
 * The build modules of the Pulumi engine (see versions.ts), as go.mod text. pkg/v3's go.mod
 * replaces sdk/v3 with a local path, so `go install …/pkg/v3/cmd/pulumi@v3.x` is refused: a build
 * module requires pkg/v3 and sdk/v3 at the same version and repeats pkg/v3's other replaces.
 */
import { goModText } from "../gobuild/gomod.ts";
import {
  KUBERNETES_PROVIDER_BUILD,
  KUBERNETES_PROVIDER_MODULE,
  KUBERNETES_SDK_GO_VERSION,
  LANGUAGE_HOST_PULUMI_VERSION,
  PULUMI_REPLACES,
  PULUMI_VERSION,
} from "./versions.ts";

/** The Go version pkg/v3 3.274 declares; the build modules declare the same. */
const GO_DIRECTIVE = "1.26.6";
/** The Go release that directive needs (checked by minor; a 1.26 below .6 is refused by `go mod tidy` itself). */
export const MIN_ENGINE_GO = [1, 26] as const;

export const PULUMI_CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";
export const PROVIDER_PACKAGE = `${KUBERNETES_PROVIDER_MODULE}/cmd/pulumi-resource-kubernetes`;

/** pkg/v3 and sdk/v3 at one version, with pkg/v3's replaces. */
const pulumiModule = (name: string, version: string, tools: readonly string[]): string =>
  goModText({
    module: `homelab.local/build/${name}`,
    go: GO_DIRECTIVE,
    require: [
      ["github.com/pulumi/pulumi/pkg/v3", `v${version}`],
      ["github.com/pulumi/pulumi/sdk/v3", `v${version}`],
    ],
    replace: PULUMI_REPLACES,
    tools,
  });

/** The CLI: one tool, `github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`. */
export const cliModule = (): string => pulumiModule("pulumi", PULUMI_VERSION, [PULUMI_CLI_PACKAGE]);

/** The language hosts: their main packages are copied into ./<name>/ and built against their line's modules. */
export const languageHostModule = (): string =>
  pulumiModule("pulumi-language-hosts", LANGUAGE_HOST_PULUMI_VERSION, []);

/**
 * The Kubernetes provider, from a writable copy of its module in ./provider (the generate step
 * writes the embedded files there); its `../sdk` replace becomes the published sdk/v4 it requires.
 */
export const providerModule = (): string =>
  goModText({
    module: "homelab.local/build/pulumi-resource-kubernetes",
    go: GO_DIRECTIVE,
    require: [[KUBERNETES_PROVIDER_MODULE, KUBERNETES_PROVIDER_BUILD]],
    replace: [
      `${KUBERNETES_PROVIDER_MODULE} => ./provider`,
      `github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 ${KUBERNETES_SDK_GO_VERSION}`,
    ],
    tools: [PROVIDER_PACKAGE],
  });

/** -X flags so each binary reports the version it was built as. */
export const cliLdflags = (version = PULUMI_VERSION): string =>
  `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`;

export const providerLdflags = (version: string): string =>
  `-s -w -X ${KUBERNETES_PROVIDER_MODULE}/pkg/version.Version=${version}`;

/** Non-test Go files of a main package, from `git ls-tree --name-only` output. */
export const mainPackageFiles = (listing: string): string[] =>
  listing
    .split("\n")
    .map((line) => line.trim())
    .filter((path) => path.endsWith(".go") && !path.endsWith("_test.go"));
