/**
 * The build modules of the Pulumi engine (see versions.ts), as go.mod text. pkg/v3's go.mod
 * replaces sdk/v3 with a local path, so `go install …/pkg/v3/cmd/pulumi@v3.x` is refused: a build
 * module requires pkg/v3 and sdk/v3 at the same version and repeats pkg/v3's other replaces.
 */
import {
  KUBERNETES_PROVIDER_BUILD,
  KUBERNETES_PROVIDER_MODULE,
  KUBERNETES_SDK_GO_VERSION,
  LANGUAGE_HOST_PULUMI_VERSION,
  PULUMI_REPLACES,
  PULUMI_VERSION,
} from "./versions.ts";

/** The Go version pkg/v3 3.274 declares; the build modules declare the same. */
const GO_DIRECTIVE = "go 1.26.6";

const pulumiRequires = (version: string): string[] => [
  "require (",
  `\tgithub.com/pulumi/pulumi/pkg/v3 v${version}`,
  `\tgithub.com/pulumi/pulumi/sdk/v3 v${version}`,
  ")",
];

const replaceBlock = (replaces: readonly string[]): string[] =>
  replaces.length === 0 ? [] : ["", "replace (", ...replaces.map((line) => `\t${line}`), ")"];

/** The CLI: one tool, `github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`. */
export const cliModule = (): string =>
  [
    "module homelab.local/build/pulumi",
    "",
    GO_DIRECTIVE,
    "",
    ...pulumiRequires(PULUMI_VERSION),
    ...replaceBlock(PULUMI_REPLACES),
    "",
    "tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    "",
  ].join("\n");

/** The language hosts: their main packages are copied into ./<name>/ and built against their line's modules. */
export const languageHostModule = (): string =>
  [
    "module homelab.local/build/pulumi-language-hosts",
    "",
    GO_DIRECTIVE,
    "",
    ...pulumiRequires(LANGUAGE_HOST_PULUMI_VERSION),
    ...replaceBlock(PULUMI_REPLACES),
    "",
  ].join("\n");

/**
 * The Kubernetes provider, from a writable copy of its module in ./provider (the generate step
 * writes the embedded files there); its `../sdk` replace becomes the published sdk/v4 it requires.
 */
export const providerModule = (): string =>
  [
    "module homelab.local/build/pulumi-resource-kubernetes",
    "",
    GO_DIRECTIVE,
    "",
    `require ${KUBERNETES_PROVIDER_MODULE} ${KUBERNETES_PROVIDER_BUILD}`,
    ...replaceBlock([
      `${KUBERNETES_PROVIDER_MODULE} => ./provider`,
      `github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 ${KUBERNETES_SDK_GO_VERSION}`,
    ]),
    "",
    `tool ${KUBERNETES_PROVIDER_MODULE}/cmd/pulumi-resource-kubernetes`,
    "",
  ].join("\n");

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
