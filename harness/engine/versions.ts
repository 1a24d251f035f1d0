/**
 * The Pulumi engine `bun run e2e` builds from source, once per machine and version, into the same
 * cache as verify:cluster's control plane (harness/gobuild/cache.ts).
 *
 * - The CLI: `github.com/pulumi/pulumi/pkg/v3` 3.274.0. Our SDK is @pulumi/pulumi 3.270.0, but the
 *   module proxy does not serve pkg/v3 at 3.270.0; 3.274.0 is the closest served version (any CLI
 *   from 3.227 runs `runtime: bun`).
 * - The Node.js language host and its Bun shim (`runtime: bun` starts pulumi-language-bun, which
 *   runs pulumi-language-nodejs with `-runtime bun`, found beside the CLI). Their modules
 *   (`github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-{nodejs,bun}/v3`) are never tagged, so
 *   the proxy serves no version: their main packages are read from a clone of the pulumi
 *   repository at a pinned commit and built against the pkg/v3 and sdk/v3 of that commit's line.
 * - The Kubernetes provider: `github.com/pulumi/pulumi-kubernetes/provider/v4` has one served
 *   build, a pseudo-version of 2026-01-15 (between 4.24 and 4.25). It embeds schema-embed.json
 *   and terraform-mapping-embed.json, which its `go generate` step writes and the module zip
 *   lacks: the build runs that step (the module's own generate.go). It is installed as the plugin
 *   version @pulumi/kubernetes asks for, since no build of 4.34.2 itself is served.
 */
import { cacheDir, cacheRoot } from "../gobuild/cache.ts";

export const PULUMI_VERSION = "3.274.0";
/** The @pulumi/pulumi version in package.json; the CLI closest to it that the proxy serves is above. */
export const PULUMI_SDK_VERSION = "3.270.0";

/** A pulumi/pulumi commit whose language hosts have Bun support (2026-08-21, the 3.260 development line). */
export const LANGUAGE_HOST_COMMIT = "1b5949891b3cefcb9974752b24a5ecef0acc86c8";
/**
 * The pkg/v3 and sdk/v3 the language hosts build against: their own line's release. (3.274's
 * ResourceMonitor has a method that commit's proxy lacks; the gRPC protocol between the CLI and a
 * language host stays compatible across versions, which is how mixed installs work.)
 */
export const LANGUAGE_HOST_PULUMI_VERSION = "3.260.0";
export const LANGUAGE_HOSTS = {
  "pulumi-language-nodejs": "sdk/nodejs/cmd/pulumi-language-nodejs",
  "pulumi-language-bun": "sdk/nodejs/cmd/pulumi-language-bun",
} as const;
/** Where the language hosts' source comes from: any clone of github.com/pulumi/pulumi with that commit. */
export const PULUMI_SOURCE_ENV = "HOMELAB_PULUMI_SOURCE";

export const KUBERNETES_PROVIDER_MODULE = "github.com/pulumi/pulumi-kubernetes/provider/v4";
export const KUBERNETES_PROVIDER_BUILD = "v4.0.0-20260115033456-f47bc2d6f199";
/** The provider's go.mod replaces sdk/v4 with `../sdk`; its own require names this release. */
export const KUBERNETES_SDK_GO_VERSION = "v4.24.0";
/** What @pulumi/kubernetes (package.json) asks the engine for. */
export const KUBERNETES_PLUGIN_VERSION = "4.34.2";

/** Replaces pkg/v3's go.mod has besides its local sdk/v3 one, copied into every build module. */
export const PULUMI_REPLACES = [
  "github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e",
] as const;

/** The CLI and both language hosts share one folder: the CLI finds bundled language hosts beside itself. */
export const engineDir = (root = cacheRoot()): string => cacheDir("pulumi", PULUMI_VERSION, root);

export const providerDir = (root = cacheRoot()): string =>
  cacheDir("pulumi-resource-kubernetes", KUBERNETES_PROVIDER_BUILD.replace(/^v/, ""), root);

export const PROVIDER_BINARY = "pulumi-resource-kubernetes";
