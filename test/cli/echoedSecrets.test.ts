/**
 * Class 2 of issue 27, table-driven: a stack secret pasted into another key is never printed, and
 * `secure:` values no Pulumi secrets provider could have written (or that the file's missing
 * `encryptionsalt` cannot decrypt) are refused naming the key. Each case runs validate, render and
 * preview in-process: exit 1, the key named, no stack trace, no canary, nothing written.
 */
import { describe, expect, test } from "bun:test";
import { CANARIES, type Edit, expectRefusedBy, type StackChanges } from "../support/hardening.ts";

type Case = readonly [description: string, changes: StackChanges, names: readonly string[]];

const edit = (layer: Edit["layer"], key: string, value?: string): StackChanges => ({
  edits: [{ layer, key, value }],
});

const CIPHERTEXT = "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==";

const CASES: readonly Case[] = [
  [
    "the token as the email",
    edit("network", "cert_manager_email", CANARIES.cloudflare),
    ["cert_manager_email"],
  ],
  ["the token as the domain", edit("network", "domain", CANARIES.cloudflare), ["domain"]],
  [
    "the Pi-hole password as the share path",
    edit("storage", "nfs_share_path", CANARIES.pihole),
    ["nfs_share_path"],
  ],
  ["the Pocket ID key as the time zone", edit("storage", "timezone", CANARIES.pocketId), ["timezone"]],
  [
    "the client secret as the pool",
    edit("network", "ip_address_pool", CANARIES.clientSecret),
    ["ip_address_pool"],
  ],
  [
    "an app secret as a schedule",
    edit("storage", "longhorn_backup_schedule", CANARIES.app),
    ["longhorn_backup_schedule"],
  ],
  [
    "the token as a key name",
    { edits: [{ layer: "network", key: CANARIES.cloudflare, value: "x", bare: true }] },
    ["no project prefix"],
  ],
  [
    "an empty secure value",
    edit("network", "cloudflare_api_token", "\n    secure:"),
    ["cloudflare_api_token", "secure:"],
  ],
  [
    "a number as secure value",
    edit("network", "cloudflare_api_token", "\n    secure: 12345"),
    ["cloudflare_api_token", "no ciphertext"],
  ],
  [
    "a secure value not base64",
    edit("auth", "pocket_id_encryption_key", "\n    secure: not*base64!"),
    ["pocket_id_encryption_key", "no ciphertext"],
  ],
  [
    "passphrase ciphertext without encryptionsalt",
    edit("network", "pihole_admin_password", `\n    secure: ${CIPHERTEXT}`),
    ["pihole_admin_password", "encryptionsalt"],
  ],
  [
    "an app secret leaf not ciphertext",
    edit("apps", "app_secrets", "\n    miniflux:\n      admin_password:\n        secure: xyz"),
    ["app_secrets", "miniflux.admin_password"],
  ],
];

describe("no stack secret is printed, whatever key carried it; secure: values that cannot be ciphertext are refused", () => {
  for (const [description, changes, names] of CASES) {
    test(description, async () => {
      await expectRefusedBy(changes, names, ["validate", "validate --json", "render", "preview all"]);
    });
  }

  test("the table holds enough distinct inputs", () => {
    expect(new Set(CASES.map(([description]) => description)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });
});
