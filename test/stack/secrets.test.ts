/**
 * The secret-leak guard: every secret key of every layer (found from the config schemas, plus
 * app_secrets for every secret a shipped app reads) gets a distinctive value; none of them may
 * appear in plaintext in a rendered file, a stack output, a summary line, the inputs of any
 * resource but a Kubernetes Secret, or an error message.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { validateStack } from "../../cli/validate.ts";
import { isAppSpec } from "../../lib/app/spec.ts";
import type { KeySchemas, RawConfig } from "../../lib/config/schema.ts";
import { plaintextLeaves, plaintextSecretKeys, readStackConfig } from "../../lib/config/stackFile.ts";
import { LAYERS, type Layer, projectName } from "../../lib/core/layerNames.ts";
import { formatProblem } from "../../lib/core/problem.ts";
import { importApps } from "../../lib/layers/apps/plan.ts";
import {
  findLeaks,
  type RenderedLayer,
  renderStackFiles,
  secretPlaintexts,
} from "../../lib/render/render.ts";
import { configSchemas, loadLayers } from "../../programs/layers.ts";
import { CONTRACTS } from "../support/apps.ts";
import { ROOT, TEST_RUN } from "../support/render.ts";
import { APPS_DIR, scratchRoot } from "../support/safety.ts";

const STACK = "leak";
const example = readStackConfig(configSchemas, ROOT, "example")._unsafeUnwrap();

/** Every (app, key) a shipped app reads with withSecretEnv. */
const appSecretKeys = async (): Promise<{ app: string; key: string }[]> => {
  const { sources } = await importApps(APPS_DIR);
  return sources.flatMap((source) => {
    if (!source.load.ok) return [];
    const value = typeof source.load.value === "function" ? source.load.value(CONTRACTS) : source.load.value;
    return isAppSpec(value) ? value.secretEnv.map(({ key }) => ({ app: value.name, key })) : [];
  });
};

/** A distinctive value the key's own parser accepts: a marked string, or an IP for IP-valued keys. */
const distinctive = (layer: Layer, key: string, index: number): string => {
  const spec = (configSchemas[layer].keys as KeySchemas)[key];
  const candidates = [
    `Lk${index}q-${layer}-${key}-Zx9v7Wm3`,
    `203.0.113.${200 + index}`,
    `198.51.100.${200 + index}`,
    `8.${index + 20}.${index + 40}.${index + 60}`,
  ];
  const found = candidates.find((candidate) => spec?.parse(candidate).isOk());
  if (!found) throw new Error(`no distinctive value passes ${layer}.${key}; add a candidate of its type`);
  return found;
};

type Values = Record<Layer, Record<string, unknown>>;

/** The example stack's keys with every secret key set to a distinctive plaintext. */
const leakValues = async (): Promise<{ values: Values; plaintexts: string[]; secretKeys: string[] }> => {
  const values = Object.fromEntries(
    LAYERS.map((layer) => [layer, { ...example[layer] } as Record<string, unknown>]),
  ) as Values;
  const plaintexts: string[] = [];
  const secretKeys: string[] = [];
  let index = 0;
  for (const layer of LAYERS) {
    for (const [key, spec] of Object.entries(configSchemas[layer].keys as KeySchemas)) {
      if (!spec.secret) continue;
      secretKeys.push(`${layer}.${key}`);
      index += 1;
      if (key === "app_secrets") {
        const map: Record<string, Record<string, string>> = {};
        for (const { app, key: name } of await appSecretKeys()) {
          const value = `Lk${index}q-app-${app}-${name}-Zx9v7Wm3`;
          index += 1;
          map[app] = { ...map[app], [name]: value };
          plaintexts.push(value);
        }
        values[layer][key] = map;
      } else {
        const value = distinctive(layer, key, index);
        values[layer][key] = value;
        plaintexts.push(value);
      }
    }
  }
  return { values, plaintexts, secretKeys };
};

const writeStack = (root: string, values: Values): void => {
  for (const layer of LAYERS) {
    const config = Object.fromEntries(
      Object.entries(values[layer]).map(([key, value]) => [
        `${projectName(layer)}:${key}`,
        typeof value === "string" && value.startsWith("{") ? JSON.parse(value) : value,
      ]),
    );
    writeFileSync(join(root, "config", layer, `Pulumi.${STACK}.yaml`), stringify({ config }));
  }
};

/** A plaintext and its base64 forms (standard and URL-safe, padded or not), as a Secret's data would hold it. */
const encodings = (value: string): string[] => {
  const [standard, urlSafe] = [
    Buffer.from(value).toString("base64"),
    Buffer.from(value).toString("base64url"),
  ];
  return [
    value,
    standard,
    standard.replace(/=+$/, ""),
    urlSafe,
    `${urlSafe}${"=".repeat((4 - (urlSafe.length % 4)) % 4)}`,
  ];
};

const containing = (text: string, plaintexts: readonly string[]): string[] =>
  plaintexts.filter((value) => encodings(value).some((form) => text.includes(form)));

const isSecretObject = (inputs: Record<string, unknown>, type: string): boolean =>
  type === "kubernetes:core/v1:Secret" || (inputs.kind === "Secret" && inputs.apiVersion === "v1");

describe("no secret reaches the render in plaintext", () => {
  let root: string;
  let plaintexts: string[];
  let secretKeys: string[];
  let rendered: RenderedLayer[];

  beforeAll(async () => {
    root = scratchRoot();
    const leak = await leakValues();
    plaintexts = leak.plaintexts;
    secretKeys = leak.secretKeys;
    writeStack(root, leak.values);
    const result = renderStackFiles(await loadLayers(), root, STACK, TEST_RUN);
    if (result.isErr()) throw new Error(result.error.map(formatProblem).join("\n"));
    rendered = result.value;
  });

  test("every secret key of every layer, and the shipped app's secret, has a distinctive value", () => {
    expect(secretKeys).toEqual([
      "network.real_external_ip",
      "network.cloudflare_api_token",
      "network.pihole_admin_password",
      "auth.pocket_id_encryption_key",
      "auth.pocket_id_static_api_key",
      "auth.tinyauth_oauth_client_id",
      "auth.tinyauth_oauth_client_secret",
      "apps.app_secrets",
    ]);
    expect(plaintexts.some((value) => value.includes("app-miniflux-admin_password"))).toBe(true);
    expect(new Set(plaintexts).size).toBe(plaintexts.length);
    // The render's own leak check looks for every one of them, each leaf of app_secrets included.
    const raw = readStackConfig(configSchemas, root, STACK)._unsafeUnwrap();
    expect([...secretPlaintexts(configSchemas, raw)].sort()).toEqual([...plaintexts].sort());
  });

  test("not in any rendered file", () => {
    const found = rendered.flatMap(({ files }) =>
      Object.entries(files).flatMap(([file, text]) =>
        containing(text, plaintexts).map((value) => `${file}: ${value}`),
      ),
    );
    expect(found).toEqual([]);
    expect(rendered.flatMap(({ files }) => Object.keys(files))).toHaveLength(12);
  });

  test("not in any stack output (none is secret) or summary line", () => {
    const found = rendered.flatMap(({ layer, outputs, notes }) => {
      return [
        ...Object.entries(outputs).flatMap(([key, value]) =>
          containing(JSON.stringify(value) ?? "", plaintexts).map(
            (leak) => `${layer} output ${key}: ${leak}`,
          ),
        ),
        ...notes.flatMap((note) => containing(note, plaintexts).map((leak) => `${layer} summary: ${leak}`)),
      ];
    });
    expect(found).toEqual([]);
  });

  test("not in the inputs of any resource outside a Kubernetes Secret (Helm values, env, annotations, records)", () => {
    const found = rendered.flatMap(({ layer, resources }) =>
      resources
        .filter((resource) => !isSecretObject(resource.inputs, resource.type))
        .flatMap((resource) =>
          containing(JSON.stringify(resource.inputs), plaintexts).map(
            (leak) => `${layer}: ${resource.type} ${resource.name}: ${leak}`,
          ),
        ),
    );
    expect(found).toEqual([]);
    // And inside Secrets they are Pulumi secrets (redacted in the recorded inputs, so encrypted in state).
    const inSecrets = rendered.flatMap(({ resources }) =>
      resources
        .filter((resource) => isSecretObject(resource.inputs, resource.type))
        .flatMap((resource) => containing(JSON.stringify(resource.inputs), plaintexts)),
    );
    expect(inSecrets).toEqual([]);
  });

  test("the leak check itself finds a plaintext that did reach a file", () => {
    const [first] = rendered;
    if (!first) throw new Error("nothing rendered");
    const leaked = { ...first, files: { ...first.files, "network.yaml": `password: ${plaintexts[0]}\n` } };
    expect(findLeaks([leaked], plaintexts)).toEqual(["network.yaml"]);
  });
});

describe("no secret reaches an error message", () => {
  const INVALID = {
    pihole: "Lk-9zq", // too short for pihole_admin_password (8+)
    pocketId: "Lk-short-Zx9v7", // too short for pocket_id_encryption_key (16+)
    externalIp: "10.213.77.91", // private, so not a valid real_external_ip
    appSecret: "Lk-unused-app-secret-Zx9v7Wm3",
  };

  const brokenRoot = async (changes: Partial<Record<Layer, Record<string, unknown>>>): Promise<string> => {
    const root = scratchRoot();
    const { values } = await leakValues();
    for (const [layer, keys] of Object.entries(changes)) Object.assign(values[layer as Layer], keys);
    writeStack(root, values);
    return root;
  };

  test("invalid secret values: the config errors name the key, never the value", async () => {
    const root = await brokenRoot({
      network: { pihole_admin_password: INVALID.pihole, real_external_ip: INVALID.externalIp },
      auth: { pocket_id_encryption_key: INVALID.pocketId },
      apps: { app_secrets: { miniflux: { admin_password: [INVALID.appSecret] } } },
    });
    const result = renderStackFiles(await loadLayers(), root, STACK, TEST_RUN);
    if (result.isOk()) throw new Error("expected config errors");
    const text = result.error.map(formatProblem).join("\n");
    expect(result.error.map(({ where, value }) => `${where.layer}.${where.key} = ${value}`).sort()).toEqual([
      "apps.app_secrets = [secret]",
      "auth.pocket_id_encryption_key = [secret]",
      "network.pihole_admin_password = [secret]",
      "network.real_external_ip = [secret]",
    ]);
    const validated = (await validateStack(root, STACK)).lines.join("\n");
    expect(validated).toContain("pihole_admin_password");
    for (const value of [INVALID.pihole, INVALID.pocketId, INVALID.appSecret]) {
      expect(text).not.toContain(value);
      expect(validated).not.toContain(value);
    }
  });

  test("an invalid real_external_ip is not echoed in its error", async () => {
    const root = await brokenRoot({ network: { real_external_ip: INVALID.externalIp } });
    const result = renderStackFiles(await loadLayers(), root, STACK, TEST_RUN);
    if (result.isOk()) throw new Error("expected config errors");
    expect(result.error.map(formatProblem).join("\n")).not.toContain(INVALID.externalIp);
    expect((await validateStack(root, STACK)).lines.join("\n")).not.toContain(INVALID.externalIp);
  });

  test("a secret no app reads fails the apps layer by its key, not its value", async () => {
    const root = await brokenRoot({});
    const { values } = await leakValues();
    const secrets = values.apps.app_secrets as Record<string, Record<string, string>>;
    values.apps.app_secrets = {
      ...secrets,
      miniflux: { ...secrets.miniflux, unused_token: INVALID.appSecret },
    };
    writeStack(root, values);
    const error = renderStackFiles(await loadLayers(), root, STACK, TEST_RUN).match(
      () => "",
      (problems) => problems.map(formatProblem).join("\n"),
    );
    expect(error).toContain("app_secrets.miniflux.unused_token is set but no app reads it");
    expect(error).not.toContain(INVALID.appSecret);
    for (const value of (await leakValues()).plaintexts) expect(error).not.toContain(value);
  });
});

describe("plaintext detection of map-valued secrets (app_secrets)", () => {
  const raw = (apps: RawConfig): Record<Layer, RawConfig> => ({ network: {}, storage: {}, auth: {}, apps });

  test("each plaintext leaf is searched on its own", () => {
    const stack = raw({
      app_secrets: JSON.stringify({ a: { x: "first-secret" }, b: { y: "second-secret" } }),
    });
    expect(secretPlaintexts(configSchemas, stack)).toEqual(["first-secret", "second-secret"]);
    expect(plaintextSecretKeys(configSchemas, stack)).toEqual([{ layer: "apps", key: "app_secrets" }]);
  });

  test("a map whose every leaf is encrypted is not plaintext; one plain leaf among encrypted ones is", () => {
    const encrypted = raw({ app_secrets: JSON.stringify({ a: { x: { secure: "v1:AAAA" } } }) });
    expect(plaintextSecretKeys(configSchemas, encrypted)).toEqual([]);
    expect(secretPlaintexts(configSchemas, encrypted)).toEqual([]);
    const mixed = raw({ app_secrets: JSON.stringify({ a: { x: { secure: "v1:AAAA" }, y: "plain-value" } }) });
    expect(plaintextSecretKeys(configSchemas, mixed)).toEqual([{ layer: "apps", key: "app_secrets" }]);
    expect(secretPlaintexts(configSchemas, mixed)).toEqual(["plain-value"]);
  });

  test("a plain string secret stays one plaintext, even when it looks like JSON", () => {
    expect(plaintextLeaves("12345678")).toEqual(["12345678"]);
    expect(plaintextLeaves("hunter2-password")).toEqual(["hunter2-password"]);
    expect(plaintextLeaves(undefined)).toEqual([]);
  });

  test("the example stack's app secret is checked for leaks", () => {
    expect(secretPlaintexts(configSchemas, example)).toContain("FAKE-miniflux-admin-password");
  });
});
