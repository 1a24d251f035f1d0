/**
 * Class 4 of issue 27, table-driven: a value the example stack (or a schema's example) only stands
 * in with (a fake secret, example.com, a documentation address, the example NAS) is warned about by
 * `validate` (exit 0) and refused by `preview:*` and `deploy:*` (exit 1, Pulumi never called) on
 * every stack but `example`, naming the key; no secret value is printed, nothing is written.
 */
import { describe, expect, test } from "bun:test";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { pulumiCommand } from "../../cli/pulumi.ts";
import { main as validateMain } from "../../cli/validate.ts";
import { LAYERS } from "../../lib/core/layerNames.ts";
import {
  captureIo,
  type Edit,
  expectRefused,
  fakePulumi,
  STACK,
  type StackChanges,
  scratchStack,
  snapshot,
} from "../support/hardening.ts";
import { ROOT } from "../support/render.ts";

/** A case: the change, the keys it must name, and the secret value that must never be printed. */
type Case = readonly [description: string, changes: StackChanges, names: readonly string[], hidden?: string];

const edit = (layer: Edit["layer"], key: string, value?: string): StackChanges => ({
  edits: [{ layer, key, value }],
});

const FAKE_APP = "FAKE-miniflux-admin-password";

const CASES: readonly Case[] = [
  ["the example's domain", edit("network", "domain", "example.com"), ["domain", "example.com"]],
  ["a subdomain of example.com", edit("network", "domain", "home.example.com"), ["domain"]],
  ["example.org, as the README's config set shows", edit("network", "domain", "example.org"), ["domain"]],
  ["the example's email", edit("network", "cert_manager_email", "admin@example.com"), ["cert_manager_email"]],
  [
    "the example's public IP",
    edit("network", "real_external_ip", "203.0.113.10"),
    ["real_external_ip"],
    "203.0.113.10",
  ],
  [
    "another documentation address",
    edit("network", "real_external_ip", "198.51.100.7"),
    ["real_external_ip"],
    "198.51.100.7",
  ],
  ["TEST-NET-1", edit("network", "real_external_ip", "192.0.2.44"), ["real_external_ip"], "192.0.2.44"],
  ["the example NAS", edit("storage", "nfs_hostname", "nas.lan"), ["nfs_hostname", "IP address"]],
  [
    "the example's Cloudflare token",
    edit("network", "cloudflare_api_token", "FAKE-cloudflare-api-token-0000000000000000"),
    ["cloudflare_api_token", "--secret cloudflare_api_token --stack bad"],
    "FAKE-cloudflare-api-token-0000000000000000",
  ],
  [
    "the example's Pi-hole password",
    edit("network", "pihole_admin_password", "FAKE-pihole-admin-password"),
    ["pihole_admin_password"],
    "FAKE-pihole-admin-password",
  ],
  [
    "the example's Pocket ID encryption key",
    edit("auth", "pocket_id_encryption_key", "FAKE-pocket-id-encryption-key-000000"),
    ["pocket_id_encryption_key", "openssl rand -base64 32"],
    "FAKE-pocket-id-encryption-key-000000",
  ],
  [
    "the example's OAuth client secret",
    edit("auth", "tinyauth_oauth_client_secret", "FAKE-tinyauth-client-secret"),
    ["tinyauth_oauth_client_secret"],
    "FAKE-tinyauth-client-secret",
  ],
  [
    "the example's app secret, a leaf of a map",
    edit("apps", "app_secrets", `\n    miniflux:\n      admin_password: ${FAKE_APP}`),
    ["app_secrets.miniflux.admin_password", "--path 'app_secrets.miniflux.admin_password'"],
    FAKE_APP,
  ],
  [
    "the documentation's <token>",
    edit("network", "cloudflare_api_token", "'<token>'"),
    ["cloudflare_api_token"],
    "<token>",
  ],
  [
    "the schema's example users, in a list",
    edit("auth", "tinyauth_allowed_users", "alice@example.com,bob@example.com"),
    ["tinyauth_allowed_users"],
  ],
  [
    "one example user among the user's own, as a YAML list",
    edit("auth", "tinyauth_allowed_users", "\n    - me@myhome.net\n    - bob@example.com"),
    ["tinyauth_allowed_users"],
  ],
  [
    "no apps chosen: the stack would run the example apps",
    edit("apps", "apps"),
    ["apps is unset", "demo, miniflux", "pulumi config set apps 'demo,miniflux' --stack bad"],
  ],
];

/** The stack `bad` with one change, and the example stack files beside it, as in a clone. */
const rootWith = (changes: StackChanges): string => {
  const root = scratchStack(changes);
  for (const layer of LAYERS)
    cpSync(
      join(ROOT, "config", layer, "Pulumi.example.yaml"),
      join(root, "config", layer, "Pulumi.example.yaml"),
    );
  return root;
};

type Io = ReturnType<typeof captureIo>["io"];

const pulumiRun = (root: string, argv: readonly string[]) => async (io: Io) => {
  const { environment, calls } = fakePulumi(root, io);
  const code = await pulumiCommand(argv, environment);
  return { code, calls };
};

describe("placeholders: validate warns, preview and deploy refuse, on every stack but example", () => {
  for (const [description, changes, names, hidden] of CASES) {
    test(description, async () => {
      const root = rootWith(changes);
      const before = snapshot(root);
      const checkHidden = (text: string) => {
        if (hidden) expect(text).not.toContain(hidden);
      };

      const warned = captureIo({ HOME: root });
      const code = await validateMain(["--stack", STACK], warned.io, root);
      expectRefused(
        { code, text: warned.text() },
        { code: 0, names: [...names, "placeholder"] },
        before,
        snapshot(root),
      );
      checkHidden(warned.text());

      for (const argv of [
        ["preview", "all", "--stack", STACK],
        ["up", "all", "--stack", STACK],
      ]) {
        const refused = captureIo({ HOME: root });
        const run = await pulumiRun(root, argv)(refused.io);
        expect(run.calls).toEqual([]);
        expectRefused(
          { code: run.code, text: refused.text() },
          { code: 1, names: [...names, "Pulumi was not called"] },
          before,
          snapshot(root),
        );
        checkHidden(refused.text());
      }
    });
  }

  test("a one-layer deploy refuses its own layer's placeholders and not another layer's", async () => {
    const root = rootWith(edit("storage", "nfs_hostname", "nas.lan"));
    const storage = captureIo({ HOME: root });
    expect((await pulumiRun(root, ["up", "storage", "--stack", STACK])(storage.io)).code).toBe(1);
    expect(storage.text()).toContain("nfs_hostname");
    const network = captureIo({ HOME: root });
    const run = await pulumiRun(root, ["up", "network", "--stack", STACK])(network.io);
    expect(run.code).toBe(0);
    expect(run.calls.length).toBeGreaterThan(0);
  });

  test("a whole copy of the example: every placeholder named at once, secrets never printed", async () => {
    const root = rootWith({});
    for (const layer of LAYERS)
      cpSync(
        join(ROOT, "config", layer, "Pulumi.example.yaml"),
        join(root, "config", layer, `Pulumi.${STACK}.yaml`),
      );
    const captured = captureIo({ HOME: root });
    const run = await pulumiRun(root, ["up", "all", "--stack", STACK])(captured.io);
    expect(run.code).toBe(1);
    expect(run.calls).toEqual([]);
    const text = captured.text();
    for (const key of [
      "domain",
      "cert_manager_email",
      "real_external_ip",
      "nfs_hostname",
      "pocket_id_encryption_key",
      "app_secrets.miniflux.admin_password",
    ])
      expect(text).toContain(key);
    expect(text).not.toMatch(/FAKE-/);
    expect(text).not.toContain("203.0.113.10");
  });

  test("the example stack keeps its placeholders: its render and preview are not refused", async () => {
    const root = rootWith({});
    const captured = captureIo({ HOME: root });
    const run = await pulumiRun(root, ["preview", "all", "--stack", "example"])(captured.io);
    expect(run.code).toBe(0);
    expect(captured.text()).not.toContain("placeholder");
  });

  for (const [description, changes] of [
    ["a domain that only contains 'example'", edit("network", "domain", "myexample.com")],
    ["a LAN NAS name of the user's own", edit("storage", "nfs_hostname", "nas.home.lan")],
    ["a public IP next to a documentation range", edit("network", "real_external_ip", "203.0.114.10")],
    ["a secret that mentions FAKE inside", edit("network", "pihole_admin_password", "not-FAKE-at-all-x")],
  ] as const) {
    test(`not a placeholder: ${description}`, async () => {
      const root = rootWith(changes);
      const captured = captureIo({ HOME: root });
      const run = await pulumiRun(root, ["preview", "all", "--stack", STACK])(captured.io);
      expect(captured.text()).not.toContain("placeholder");
      expect(run.code).toBe(0);
    });
  }

  test("the table holds enough distinct inputs", () => {
    expect(new Set(CASES.map(([description]) => description)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });
});
