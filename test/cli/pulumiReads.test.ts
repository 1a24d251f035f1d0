/**
 * Class 1 of issue 27, table-driven: values are read as Pulumi reads them (a scalar as the text
 * written), and YAML that Pulumi's reader would treat otherwise (runaway aliases, merge keys, typed
 * leaves of lists and maps) is refused naming the key or file and line. Each case runs validate,
 * render and preview in-process: exit 1, the key or file named, no stack trace, no canary, nothing written.
 */
import { describe, expect, test } from "bun:test";
import { readStackFile } from "../../lib/config/stackFile.ts";
import { configSchemas } from "../../programs/layers.ts";
import {
  CANARIES,
  type Edit,
  expectRefusedBy,
  STACK,
  type StackChanges,
  scratchStack,
} from "../support/hardening.ts";

type Case = readonly [description: string, changes: StackChanges, names: readonly string[]];

const edit = (layer: Edit["layer"], key: string, value?: string): StackChanges => ({
  edits: [{ layer, key, value }],
});

const deepAliases = (): string => {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i <= 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\nconfig:\n  homelab-storage:nfs_hostname: *a10\n`;
};

const CASES: readonly Case[] = [
  ["a hex domain keeps its text", edit("network", "domain", "0x1A2B3C4D"), ["domain", '"0x1A2B3C4D"']],
  [
    "an exponent email keeps its text",
    edit("network", "cert_manager_email", "1e10"),
    ["cert_manager_email", '"1e10"'],
  ],
  [
    "a 25-digit replica count keeps its text",
    edit("storage", "longhorn_replica_count", "1234567890123456789012345"),
    ["longhorn_replica_count", '"1234567890123456789012345"'],
  ],
  [
    "an octal replica count is not 15",
    edit("storage", "longhorn_replica_count", "0o17"),
    ["longhorn_replica_count", '"0o17"'],
  ],
  [
    "a number as an app secret leaf",
    edit("apps", "app_secrets", "\n    miniflux:\n      admin_password: 0x1A2B3C4D"),
    ["app_secrets", "miniflux.admin_password", "quote it"],
  ],
  [
    "a number in the upstream list",
    edit("network", "pihole_upstream_dns", "[16843009, 1.0.0.1]"),
    ["pihole_upstream_dns", "[0]", "quote it"],
  ],
  [
    "true in the allowed users",
    edit("auth", "tinyauth_allowed_users", "[alice@example.com, true]"),
    ["tinyauth_allowed_users", "[1]"],
  ],
  [
    "aliases ten deep",
    { files: { storage: deepAliases() } },
    ["config/storage/Pulumi.bad.yaml:", "aliases", "in full"],
  ],
  [
    "a merge key under config",
    {
      files: {
        storage:
          "base: &base\n  homelab-storage:nfs_hostname: nas.lan\nconfig:\n  <<: *base\n  homelab-storage:timezone: UTC\n",
      },
    },
    ["config/storage/Pulumi.bad.yaml:4", "merge key", "without `<<`"],
  ],
  [
    "a secret written as a number is found in the output",
    {
      edits: [
        { layer: "network", key: "external_record", value: "12345678901" },
        { layer: "network", key: "pihole_admin_password", value: "12345678901" },
      ],
    },
    ["pihole_admin_password", "appears in"],
  ],
];

describe("values are read as Pulumi reads them; what it would read otherwise is refused", () => {
  for (const [description, changes, names] of CASES) {
    test(description, async () => {
      // The leak is found by the render (validate renders too); preview checks the config only.
      const leak = description.includes("found in the output");
      await expectRefusedBy(
        changes,
        names,
        leak ? ["validate", "render"] : ["validate", "render", "preview all"],
      );
    });
  }

  test("a scalar is the text written, as Pulumi hands it to the program", () => {
    const root = scratchStack({
      edits: [
        { layer: "network", key: "pihole_admin_password", value: "0x1A2B3C4D" },
        { layer: "network", key: "cloudflare_api_token", value: "1234567890123456789012345" },
        { layer: "network", key: "real_external_ip", value: CANARIES.externalIp },
      ],
    });
    const raw = readStackFile(configSchemas, root, "network", STACK)._unsafeUnwrap();
    expect(raw.pihole_admin_password).toBe("0x1A2B3C4D");
    expect(raw.cloudflare_api_token).toBe("1234567890123456789012345");
  });

  test("the table holds enough distinct inputs", () => {
    expect(new Set(CASES.map(([description]) => description)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });
});
