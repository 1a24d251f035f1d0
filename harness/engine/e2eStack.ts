/**
 * The pure parts of `bun run e2e`: the `e2e` stack made from the example (secrets taken out to be
 * set with `pulumi config set --secret`, Cloudflare swapped for `public_dns_provider: none`, every
 * placeholder replaced by a value of its own as a user would, since deploy refuses them), the
 * stand-in charts to generate, the added app, and the environment every Pulumi command runs in.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { placeholderKind } from "../../lib/config/placeholders.ts";
import type { StackSchemas } from "../../lib/config/registry.ts";
import type { KeySchemas } from "../../lib/config/schema.ts";
import { LAYERS, type Layer, projectName } from "../../lib/core/layerNames.ts";

import { STAND_IN_CHARTS_ENV } from "./standInCharts.ts";
import { KUBERNETES_PLUGIN_VERSION } from "./versions.ts";

export const E2E_STACK = "e2e";

export interface SecretSetting {
  layer: Layer;
  /** The key, or a `--path` into a map such as app_secrets. */
  path: string;
  isPath: boolean;
  value: string;
}

export interface E2eStack {
  /** Plain keys per layer, as the stack file's `config:` map (with project prefixes). */
  plain: Record<Layer, Record<string, unknown>>;
  secrets: SecretSetting[];
}

const CLOUDFLARE_ONLY_KEYS = ["cloudflare_api_token", "real_external_ip", "cloudflare_email"];

/** The run's own domain, in place of example.com: `.home.arpa` is for home networks (RFC 8375). */
const E2E_DOMAIN = "e2e.home.arpa";

/**
 * What a user would write in place of a placeholder of the example (lib/config/placeholders.ts
 * says which values are): a fresh value for a fake secret, the run's domain for example.com, a
 * NAS name under it for the example's; any other value as it is.
 */
const ownValue = (value: string, fresh: () => string): string => {
  if (placeholderKind(value) === undefined) return value;
  if (/^FAKE-/i.test(value)) return `e2e-${fresh()}`;
  return value
    .replace(/(^|[.@])example\.(com|net|org)$/i, `$1${E2E_DOMAIN}`)
    .replace(/^nas\.lan$/i, `nas.${E2E_DOMAIN}`);
};

const owned = (value: unknown, fresh: () => string): unknown => {
  if (typeof value === "string") return ownValue(value, fresh);
  if (Array.isArray(value)) return value.map((item) => owned(item, fresh));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, owned(inner, fresh)]));
  return value;
};

/** Leaves of a secret map (app_secrets: app → name → value) as `--path` settings. */
const mapLeaves = (
  layer: Layer,
  key: string,
  value: Record<string, Record<string, string>>,
): SecretSetting[] =>
  Object.entries(value).flatMap(([app, entries]) =>
    Object.entries(entries).map(([name, leaf]) => ({
      layer,
      path: `${key}.${app}.${name}`,
      isPath: true,
      value: leaf,
    })),
  );

/** The apps key, as the stack file holds it: the apps a stack runs (lib/layers/apps/config.ts). */
export const APPS_KEY = `${projectName("apps")}:apps`;

/** The example's app files, which the e2e stack runs: named in `apps`, as every stack but the example must. */
export const EXAMPLE_APPS = ["demo", "miniflux"] as const;

/**
 * The `e2e` stack from the example's parsed stack files (`config:` maps keyed `project:key`):
 * placeholders replaced (fake secrets by `fresh` values), secret keys moved to `secrets`, the
 * network layer without Cloudflare, and the apps chosen as a user must: `apps` names each one.
 */
export const e2eStack = (
  schemas: StackSchemas,
  examples: Record<Layer, Record<string, unknown>>,
  fresh: () => string = () => randomBytes(16).toString("hex"),
): E2eStack => {
  const plain = {} as Record<Layer, Record<string, unknown>>;
  const secrets: SecretSetting[] = [];
  for (const layer of LAYERS) {
    const prefix = `${projectName(layer)}:`;
    const keys = schemas[layer].keys as KeySchemas;
    plain[layer] = {};
    for (const [full, example] of Object.entries(examples[layer])) {
      const value = owned(example, fresh);
      const key = full.slice(prefix.length);
      if (layer === "network" && CLOUDFLARE_ONLY_KEYS.includes(key)) continue;
      if (!keys[key]?.secret) plain[layer][full] = value;
      else if (typeof value === "object" && value !== null)
        secrets.push(...mapLeaves(layer, key, value as Record<string, Record<string, string>>));
      else secrets.push({ layer, path: key, isPath: false, value: String(value) });
    }
  }
  plain.network[`${projectName("network")}:public_dns_provider`] = "none";
  plain.apps[APPS_KEY] = [...EXAMPLE_APPS];
  return { plain, secrets };
};

/** The `pulumi config set --secret` arguments of one secret (its value goes through stdin, not argv). */
export const secretArgs = (setting: SecretSetting, cwd: string): string[] => [
  "config",
  "set",
  "--secret",
  ...(setting.isPath ? ["--path"] : []),
  setting.path,
  "--stack",
  E2E_STACK,
  "--cwd",
  cwd,
];

/** The app a user adds between two deploys: its file, and the name its objects carry. */
export const ADDED_APP = {
  name: "e2e-added",
  file: "programs/apps/apps/e2e-added.ts",
  source: [
    'import { app, pipe, withPrivateIngress } from "../../../lib/app/index.ts";',
    "",
    "// Added by bun run e2e between two deploys, the way a user adds an app.",
    'export default pipe(app("e2e-added", { image: "traefik/whoami:v1.11.0", port: 80 }), withPrivateIngress());',
    "",
  ].join("\n"),
} as const;

export interface RunDirs {
  home: string;
  state: string;
  charts: string;
  kubeconfig: string;
  engineBin: string;
  passphrase: string;
}

/** A run's Pulumi folders under `temp` (its home, the file backend's state, the stand-in charts), with a fresh passphrase. */
export const throwawayDirs = (temp: string, engine: { kubeconfig: string; engineBin: string }): RunDirs => ({
  home: join(temp, "pulumi-home"),
  state: join(temp, "state"),
  charts: join(temp, "charts"),
  ...engine,
  passphrase: randomBytes(24).toString("base64url"),
});

/** The `pulumi` arguments that install the built provider, so no plugin is ever downloaded. */
export const installProviderArgs = (provider: string): string[] => [
  "plugin",
  "install",
  "resource",
  "kubernetes",
  KUBERNETES_PLUGIN_VERSION,
  "--file",
  provider,
];

/**
 * The environment of every Pulumi command: a throwaway Pulumi home, file backend and passphrase,
 * the built engine first on PATH, no plugin downloads, the run's cluster, and where the stand-in
 * charts are (for harness/e2eInline.ts, which passes them to the programs).
 */
export const pulumiEnv = (
  base: Record<string, string | undefined>,
  dirs: RunDirs,
): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    // The user's own Pulumi settings stay out of the run.
    if (value !== undefined && !key.startsWith("PULUMI_") && key !== "KUBECONFIG") env[key] = value;
  }
  return {
    ...env,
    PATH: `${dirs.engineBin}:${base.PATH ?? ""}`,
    PULUMI_HOME: dirs.home,
    PULUMI_BACKEND_URL: `file://${dirs.state}`,
    PULUMI_CONFIG_PASSPHRASE: dirs.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    KUBECONFIG: dirs.kubeconfig,
    [STAND_IN_CHARTS_ENV]: dirs.charts,
  };
};
