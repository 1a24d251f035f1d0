/**
 * Bad command lines and bad apps, table-driven. Command-line mistakes exit 2 with the usage before
 * anything runs; user mistakes the guard or deploy meet exit 1 with a message, never a stack
 * trace; every problem of every app comes from one `validate`. In every case: the option, key or
 * file is named, no canary secret is printed and nothing is written. A few cases run as real
 * processes, to prove the scripts' exit codes.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main as guardMain } from "../../cli/guard.ts";
import { pulumiCommand } from "../../cli/pulumi.ts";
import { loadLayers } from "../../programs/layers.ts";
import {
  CANARIES,
  COMMAND_MAINS,
  type CommandMain,
  captureIo,
  expectRefused,
  fakePulumi,
  STACK,
  scratchStack,
  snapshot,
} from "../support/hardening.ts";
import { ROOT } from "../support/render.ts";
import { appsFixture } from "../support/safety.ts";

type Io = ReturnType<typeof captureIo>["io"];
const COMMANDS = COMMAND_MAINS;

type CliCase = readonly [
  description: string,
  command: keyof typeof COMMANDS,
  argv: readonly string[],
  names: readonly string[],
  env?: Readonly<Record<string, string>>,
];

/** Exit 2, the usage printed, before anything runs. `FILE` is a file in the scratch root. */
const USAGE_CASES: readonly CliCase[] = [
  [
    "render: a misspelt option",
    "render",
    ["--stak", "example"],
    ["--stak", "did you mean --stack", "usage:"],
  ],
  ["render: a stray word", "render", ["home"], ['"home"', "usage:"]],
  ["render: --out names a file", "render", ["--out", "FILE"], ["--out FILE", "is a file"]],
  ["render: --out inside a file", "render", ["--out", "FILE/sub"], ["--out FILE/sub", "inside a file"]],
  ["render: a stack name with a path", "render", ["--stack", "../config"], ["../config", "not a stack name"]],
  ["render: --stack without its value", "render", ["--stack"], ["--stack needs a value"]],
  ["render: an empty --out", "render", ["--out="], ["--out needs a value"]],
  ["validate: an unknown option", "validate", ["--bogus"], ["--bogus", "usage: bun run validate"]],
  ["validate: two stray words", "validate", ["home", "extra"], ['"home"']],
  [
    "validate: HOMELAB_STACK with a slash",
    "validate",
    [],
    ["HOMELAB_STACK", "a/b"],
    { HOMELAB_STACK: "a/b" },
  ],
  ["guard: a value for a flag", "guard", ["--accept=yes"], ["--accept takes no value"]],
  ["guard: a misspelt option", "guard", ["--stak", "home"], ["--stak"]],
  ["guard: the stack as a word", "guard", ["home"], ['"home"', "usage: bun run guard"]],
  ["backups: a misspelt option", "backups", ["--stak", "home"], ["--stak", "did you mean --stack"]],
  ["backups: the stack as a word", "backups", ["home"], ['"home"', "usage: bun run backups"]],
  ["docs: an option it does not have", "docs", ["--check"], ["--check", "usage: bun run docs"]],
  ["bench: --json without a file", "bench", ["--json"], ["--json needs a value"]],
  ["check:drawing: a misspelt option", "checkDrawing", ["--screenshoot", "x.png"], ["--screenshoot"]],
  [
    "check:drawing: a page that does not exist",
    "checkDrawing",
    ["--html", "no-such-page.html"],
    ["--html no-such-page.html does not exist", "usage: bun run check:drawing"],
  ],
  ["bench: a misspelt flag", "bench", ["--strikt"], ["--strikt", "did you mean --strict"]],
  ["bench: --json names a folder", "bench", ["--json", "ROOT"], ["--json", "is a folder"]],
  ["bench: apps-child not a number", "bench", ["--apps-child", "ten"], ["--apps-child"]],
  [
    "deploy: --stak instead of --stack",
    "pulumi",
    ["up", "apps", "--stak", "test"],
    ["--stak", "did you mean --stack"],
  ],
  ["destroy: the stack as a word", "pulumi", ["destroy", "apps", "test", "--confirm-data-loss"], ['"test"']],
  ["an unknown command", "pulumi", ["deploy", "network"], ['unknown command "deploy"']],
  ["an unknown layer", "pulumi", ["up", "netwrk"], ['unknown layer "netwrk"']],
  ["no layer", "pulumi", ["up"], ["missing <layer>"]],
  ["nothing at all", "pulumi", [], ["missing <command>"]],
  ["destroy all", "pulumi", ["destroy", "all", "--confirm-data-loss"], ["one by one"]],
  ["a stack name with a space", "pulumi", ["up", "apps", "--stack", "my stack"], ['"my stack"']],
  [
    "a value for the confirmation",
    "pulumi",
    ["destroy", "apps", "--confirm-data-loss=yes"],
    ["--confirm-data-loss takes no value"],
  ],
];

describe("a bad command line exits 2 with the usage, before anything runs", () => {
  for (const [description, command, argv, names, env] of USAGE_CASES) {
    test(description, async () => {
      const root = scratchStack();
      writeFileSync(join(root, "FILE"), "not a folder\n");
      const before = snapshot(root);
      const captured = captureIo({ HOME: root, INIT_CWD: root, ...env });
      const args = argv.map((arg) => (arg === "ROOT" ? root : arg));
      const calls: string[][] = [];
      const code = await (COMMANDS[command] as CommandMain)(args, captured.io, root, calls);
      expect(calls).toEqual([]);
      expectRefused({ code, text: captured.text() }, { code: 2, names }, before, snapshot(root));
    });
  }
});

const refusedIn = async (root: string, run: (io: Io) => Promise<number>, names: string[], code = 1) => {
  const before = snapshot(root);
  const captured = captureIo({ HOME: root });
  const exit = await run(captured.io);
  expectRefused({ code: exit, text: captured.text() }, { code, names }, before, snapshot(root));
  return captured.text();
};

describe("the guard and deploy report user mistakes as messages (exit 1)", () => {
  test("a baseline that is not JSON", async () => {
    const root = scratchStack();
    writeFileSync(join(root, "guard", `${STACK}.json`), "{ not json");
    await refusedIn(root, (io) => guardMain(["--stack", STACK], io, root), [
      `guard/${STACK}.json`,
      "git checkout",
    ]);
  });

  test("a baseline that is JSON but not records", async () => {
    const root = scratchStack();
    writeFileSync(join(root, "guard", `${STACK}.json`), '{"id": 1}');
    await refusedIn(root, (io) => guardMain(["--stack", STACK], io, root), [`guard/${STACK}.json`]);
  });

  test("no baseline yet: the fix names the stack", async () => {
    const root = scratchStack();
    await refusedIn(root, (io) => guardMain(["--stack", STACK], io, root), [
      `guard/${STACK}.json`,
      `bun run guard --stack ${STACK} --accept`,
    ]);
  });

  test("a config error stops the guard, naming the key", async () => {
    const root = scratchStack({ edits: [{ layer: "auth", key: "tinyauth_oauth_client_secret", value: "" }] });
    writeFileSync(join(root, "guard", `${STACK}.json`), "[]\n");
    await refusedIn(root, (io) => guardMain(["--stack", STACK], io, root), ["tinyauth_oauth_client_secret"]);
  });

  test("an app removed while its secret is still configured", async () => {
    const root = scratchStack();
    writeFileSync(join(root, "guard", `${STACK}.json`), readFileSync(join(ROOT, "guard/example.json")));
    const apps = appsFixture((dir) => rmSync(join(dir, "miniflux.ts")));
    const withoutMiniflux = await loadLayers(apps);
    await refusedIn(root, (io) => guardMain(["--stack", STACK], io, root, withoutMiniflux), [
      "app_secrets.miniflux.admin_password is set but no app reads it",
    ]);
  });

  test("a change on another stack: the fix text names --stack", async () => {
    const root = scratchStack();
    const baseline = JSON.parse(readFileSync(join(ROOT, "guard/example.json"), "utf8")) as { id: string }[];
    const without = baseline.filter((record) => !record.id.startsWith("apps/Cluster/"));
    writeFileSync(join(root, "guard", `${STACK}.json`), `${JSON.stringify(without)}\n`);
    await refusedIn(root, (io) => guardMain(["--stack", STACK], io, root), [
      "apps/Cluster/miniflux/miniflux-db: is new",
      `bun run guard --stack ${STACK} --accept`,
    ]);
  });

  test("destroy without the confirmation says what would be lost", async () => {
    const root = scratchStack();
    const calls: string[][] = [];
    const destroy = async (io: Io) =>
      COMMANDS.pulumi(["destroy", "storage", "--stack", STACK], io, root, calls);
    await refusedIn(root, destroy, ["every Longhorn volume", "--confirm-data-loss"]);
    expect(calls).toEqual([]);
  });
});

test("deploy warns loudly about plaintext secrets, naming each key and never its value", async () => {
  const root = scratchStack();
  const captured = captureIo();
  const { environment, calls } = fakePulumi(root, captured.io);
  expect(await pulumiCommand(["up", "network", "--stack", STACK], environment)).toBe(0);
  const text = captured.text();
  expect(text).toContain("WARNING: secrets are stored in plain text");
  for (const key of ["cloudflare_api_token", "pihole_admin_password", "real_external_ip"])
    expect(text).toContain(key);
  for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
  expect(calls.length).toBe(2);
});
