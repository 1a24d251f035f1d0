/**
 * Command lines, table-driven (issue 27, class 5): what follows `--` may not change the stack, the
 * project, the config or the program Pulumi runs; an option given twice is refused, not last-wins;
 * `--help`/`-h` prints the usage and exits 0 on every command; a relative `--out` is read from
 * where the user stands and never lands in the repository's sources; `bench --json` never
 * overwrites a tracked file; one default stack rule. Every refusal: exit 2, the flag named, no
 * stack trace, no Pulumi call, nothing written.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_STACKS } from "../../cli/args.ts";
import { SOURCE_FOLDERS } from "../../cli/folders.ts";
import { processEnvironment } from "../../cli/pulumi.ts";
import { main as inlineMain } from "../../harness/e2eInline.ts";
import {
  COMMAND_MAINS,
  type CommandMain,
  captureIo,
  expectRefused,
  STACK,
  scratchStack,
  snapshot,
} from "../support/hardening.ts";
import { ROOT } from "../support/render.ts";

const COMMANDS = COMMAND_MAINS;
type Command = CommandMain;

type Case = readonly [
  description: string,
  command: keyof typeof COMMANDS,
  argv: readonly string[],
  names: readonly string[],
  env?: Readonly<Record<string, string>>,
];

const DEPLOY_APPS = ["up", "apps", "--stack", STACK, "--"];
const STACK_FIX = `bun run deploy:apps --stack <name>`;

/** Refused with exit 2. `ROOT` in env stands for the repository, `SCRATCH` for the scratch root. */
const REFUSED: readonly Case[] = [
  // After `--`: the stack, the project, the config, the program.
  [
    "deploy:apps -- --stack other",
    "pulumi",
    [...DEPLOY_APPS, "--stack", "other"],
    ["--stack after --", STACK_FIX],
  ],
  [
    "deploy:apps -- --stack=other",
    "pulumi",
    [...DEPLOY_APPS, "--stack=other"],
    ["--stack after --", STACK_FIX],
  ],
  [
    "deploy:apps -- -s other",
    "pulumi",
    [...DEPLOY_APPS, "-s", "other"],
    ["-s (--stack) after --", STACK_FIX],
  ],
  ["deploy:apps -- -sother", "pulumi", [...DEPLOY_APPS, "-sother"], ["-s (--stack) after --"]],
  ["deploy:apps -- -s=other", "pulumi", [...DEPLOY_APPS, "-s=other"], ["-s (--stack) after --"]],
  [
    "deploy:apps -- -ys other (combined)",
    "pulumi",
    [...DEPLOY_APPS, "-ys", "other"],
    ["-s (--stack) after --"],
  ],
  [
    "deploy:apps -- --cwd /",
    "pulumi",
    [...DEPLOY_APPS, "--cwd", "/"],
    ["--cwd after --", "programs/<layer>"],
  ],
  ["deploy:apps -- --cwd=/", "pulumi", [...DEPLOY_APPS, "--cwd=/"], ["--cwd after --"]],
  ["deploy:apps -- -C /", "pulumi", [...DEPLOY_APPS, "-C", "/"], ["-C (--cwd) after --"]],
  [
    "deploy:apps -- --config-file x.yaml",
    "pulumi",
    [...DEPLOY_APPS, "--config-file", "x.yaml"],
    ["--config-file after --", "bun run validate"],
  ],
  [
    "deploy:apps -- --config-file=x.yaml",
    "pulumi",
    [...DEPLOY_APPS, "--config-file=x.yaml"],
    ["--config-file"],
  ],
  ["deploy:apps -- --config k=v", "pulumi", [...DEPLOY_APPS, "--config", "k=v"], ["--config after --"]],
  ["deploy:apps -- -c k=v", "pulumi", [...DEPLOY_APPS, "-c", "k=v"], ["-c (--config) after --"]],
  ["deploy:apps -- --client host:1", "pulumi", [...DEPLOY_APPS, "--client", "host:1"], ["--client after --"]],
  ["deploy:apps -- --remote", "pulumi", [...DEPLOY_APPS, "--remote"], ["--remote after --"]],
  [
    "deploy:apps -- <template url>",
    "pulumi",
    [...DEPLOY_APPS, "https://github.com/someone/template"],
    ['"https://github.com/someone/template" after --', "--target=<urn>"],
  ],
  [
    "deploy -- --yes --target urn --cwd / (after allowed options)",
    "pulumi",
    ["up", "all", "--stack", STACK, "--", "--yes", "--target", "urn:x", "--cwd", "/"],
    ["--cwd after --"],
  ],
  [
    "preview:network -- --diff --stack other",
    "pulumi",
    ["preview", "network", "--stack", STACK, "--", "--diff", "--stack", "other"],
    ["--stack after --", "bun run preview:network --stack <name>"],
  ],
  [
    "destroy:apps --confirm-data-loss -- --stack=other",
    "pulumi",
    ["destroy", "apps", "--stack", STACK, "--confirm-data-loss", "--", "--stack=other"],
    ["bun run destroy:apps --stack <name>"],
  ],
  [
    "stack:init -- --stack other",
    "pulumi",
    ["init", "all", "--", "--stack", "other"],
    ["bun run stack:init"],
  ],
  // An option given twice.
  [
    "render --stack a --stack b",
    "render",
    ["--stack", "a", "--stack", "b"],
    ["--stack is given more than once"],
  ],
  ["render --out x --out y", "render", ["--out", "x", "--out", "y"], ["--out is given more than once"]],
  ["validate --json --json", "validate", ["--json", "--json"], ["--json is given more than once"]],
  ["guard --accept --accept", "guard", ["--accept", "--accept"], ["--accept is given more than once"]],
  [
    "deploy:apps --stack a --stack=b",
    "pulumi",
    ["up", "apps", "--stack", "a", "--stack=b"],
    ["--stack is given more than once"],
  ],
  [
    "bench --json a --json b",
    "bench",
    ["--json", "a.json", "--json", "b.json"],
    ["--json is given more than once"],
  ],
  ["e2e --keep --keep", "e2e", ["--keep", "--keep"], ["--keep is given more than once"]],
  // --out into the repository's sources (the scratch root stands for the repository).
  ["render --out lib", "render", ["--out", "lib"], ["--out lib", "repository's lib/ folder"]],
  ["render --out guard/x", "render", ["--out", "guard/x"], ["--out guard/x", "guard/ folder"]],
  ["render --out config/apps", "render", ["--out", "config/apps"], ["config/ folder"]],
  ["render --out . (the repository)", "render", ["--out", "."], ["--out .", "the repository itself"]],
  [
    "render --out ../test from a subfolder",
    "render",
    ["--out", "../test"],
    ["--out ../test", "test/ folder"],
    { INIT_CWD: "SCRATCH/sub" },
  ],
  [
    "render --out .git/x, bun run's folder",
    "render",
    ["--out", ".git/x"],
    [".git/ folder"],
    { INIT_CWD: "", npm_config_user_agent: "bun/1.4.5", npm_config_local_prefix: "SCRATCH" },
  ],
  // bench --json: never a tracked file, never the sources.
  [
    "bench --json package.json (tracked)",
    "bench",
    ["--json", "package.json"],
    ["git tracks"],
    { INIT_CWD: "ROOT" },
  ],
  [
    "bench --json README.md (tracked)",
    "bench",
    ["--json", "README.md"],
    ["--json README.md"],
    { INIT_CWD: "ROOT" },
  ],
  [
    "bench --json lib/bench.json",
    "bench",
    ["--json", "lib/bench.json"],
    ["lib/ folder"],
    { INIT_CWD: "ROOT" },
  ],
];

const run = async (
  command: keyof typeof COMMANDS,
  argv: readonly string[],
  env: Record<string, string> = {},
) => {
  const root = scratchStack();
  mkdirSync(join(root, "sub"));
  const before = snapshot(root);
  const places = (value: string) => value.replace("SCRATCH", root).replace("ROOT", ROOT);
  const resolved = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, places(value)]));
  const captured = captureIo({ HOME: root, INIT_CWD: root, ...resolved });
  const calls: string[][] = [];
  const code = await (COMMANDS[command] as Command)([...argv], captured.io, root, calls);
  return { root, before, after: snapshot(root), code, text: captured.text(), calls };
};

describe("a refused command line exits 2, naming the flag, before anything runs", () => {
  test("the table is big enough", () => expect(REFUSED.length).toBeGreaterThanOrEqual(15));
  for (const [description, command, argv, names, env] of REFUSED) {
    test(description, async () => {
      const mtimes = ["package.json", "README.md"].map((file) => statSync(join(ROOT, file)).mtimeMs);
      const result = await run(command, argv, env);
      expectRefused(result, { code: 2, names }, result.before, result.after);
      expect(result.calls).toEqual([]);
      expect(existsSync(join(ROOT, "lib/bench.json"))).toBe(false);
      expect(["package.json", "README.md"].map((file) => statSync(join(ROOT, file)).mtimeMs)).toEqual(mtimes);
    });
  }
});

/** Every command: `--help` and `-h` print its usage (exit 0) and run nothing. */
const HELP: readonly (readonly [keyof typeof COMMANDS, readonly string[], string])[] = [
  ["render", [], "usage: bun run render"],
  ["validate", [], "usage: bun run validate"],
  ["guard", ["--accept"], "usage: bun run guard"],
  ["docs", [], "usage: bun run docs"],
  ["backups", [], "usage: bun run backups"],
  ["bench", ["--json", "x.json"], "usage: bun run bench"],
  ["e2e", [], "usage: bun run e2e"],
  ["checkDrawing", ["--html", "x.html"], "usage: bun run check:drawing"],
  ["pulumi", ["up", "apps"], "usage: bun cli/pulumi.ts"],
  ["pulumi", ["up", "all"], "usage: bun cli/pulumi.ts"],
  ["pulumi", ["preview", "network"], "usage: bun cli/pulumi.ts"],
  ["pulumi", ["destroy", "storage"], "usage: bun cli/pulumi.ts"],
  ["pulumi", ["init", "all"], "usage: bun cli/pulumi.ts"],
  ["pulumi", [], "usage: bun cli/pulumi.ts"],
];

describe("--help and -h print the usage and exit 0 on every command", () => {
  for (const [command, argv, usage] of HELP) {
    for (const flag of ["--help", "-h"]) {
      test(`${command} ${[...argv, flag].join(" ")}`, async () => {
        const result = await run(command, [...argv, flag]);
        expect(result.code).toBe(0);
        expect(result.text).toContain(usage);
        expect(result.text).toContain("--help, -h");
        expect(result.text).not.toContain("error:");
        expect(result.calls).toEqual([]);
        expect(result.after).toEqual(result.before);
      });
    }
  }

  test("--help after -- goes to Pulumi, not to the wrapper", async () => {
    const result = await run("pulumi", ["preview", "network", "--stack", STACK, "--", "--help"]);
    expect(result.code).toBe(0);
    expect(result.calls.at(-1)).toContain("--help");
  });

  test("bun harness/e2eInline.ts --help (the wrapper with inline programs)", async () => {
    const logged: string[] = [];
    const environment = { ...processEnvironment(ROOT), log: (line: string) => logged.push(line) };
    expect(await inlineMain(["--help"], environment)).toBe(0);
    expect(logged.join("\n")).toContain("usage:");
  });

  test("bun harness/verifyCluster.ts --help (a script without an in-process main)", () => {
    const child = Bun.spawnSync([process.execPath, join(ROOT, "harness/verifyCluster.ts"), "--help"], {
      cwd: ROOT,
    });
    expect(child.exitCode).toBe(0);
    expect(`${child.stdout}${child.stderr}`).toContain("usage:");
  });
});

describe("what is accepted", () => {
  test("options after -- that change nothing of the stack reach Pulumi", async () => {
    const args = [
      "--yes",
      "--diff",
      "--target",
      "urn:pulumi:x",
      "--refresh",
      "-j",
      "--parallel=4",
      "-m",
      "fix",
    ];
    const result = await run("pulumi", [...DEPLOY_APPS, ...args]);
    expect(result.code).toBe(0);
    expect(result.calls.at(-1)?.slice(-args.length)).toEqual(args);
  });

  test("a relative --out is written where the user stands, not in the repository", async () => {
    const here = mkdtempSync(join(tmpdir(), "homelab-here-"));
    const result = await run("render", ["--stack", STACK, "--out", "rendered"], { INIT_CWD: here });
    expect(result.code).toBe(0);
    expect(readdirSync(join(here, "rendered"))).toContain("network.yaml");
    expect(existsSync(join(result.root, "rendered"))).toBe(false);
  });
});

describe("one default stack rule", () => {
  test("render and guard (offline) default to the example stack, the others to home", async () => {
    expect(DEFAULT_STACKS).toEqual({ offline: "example", yours: "home" });
    expect((await run("guard", [])).text).toContain("guard/example.json does not exist");
    expect((await run("validate", [])).text).toContain("Stack home");
    expect((await run("pulumi", ["preview", "apps"])).text).toContain("Stack home");
  });

  test("HOMELAB_STACK is honoured by every command, the offline ones too", async () => {
    const env = { HOMELAB_STACK: "other" };
    expect((await run("guard", [], env)).text).toContain("guard/other.json does not exist");
    expect((await run("render", [], env)).text).toContain("Stack other");
    expect((await run("validate", [], env)).text).toContain("Stack other");
    expect((await run("pulumi", ["up", "network"], env)).text).toContain("Stack other");
  });

  test("the README states the rule once, with both defaults", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme.match(/HOMELAB_STACK/g)?.length).toBe(1);
    expect(readme).toContain(`else \`${DEFAULT_STACKS.offline}\` for the offline tools`);
    expect(readme).toContain(`\`${DEFAULT_STACKS.yours}\` for the commands`);
  });
});

test("every source folder the --out check names exists in the repository", () => {
  for (const folder of SOURCE_FOLDERS.filter((name) => name !== "node_modules"))
    expect(existsSync(join(ROOT, folder))).toBe(true);
});
