/**
 * Fixtures for the table-driven hardening suites: a scratch repository whose stack `bad` is the
 * example stack with every secret set to a canary value and every placeholder to a user's own,
 * edits of its stack files as a user would make them, the commands run in-process with captured
 * output, and the checks every refused input
 * must pass (exit code, the key or file named, no stack trace, no canary, nothing written).
 */
import { expect } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { CliIo } from "../../cli/args.ts";
import { main as backupsMain } from "../../cli/backups.ts";
import { main as docsMain } from "../../cli/docs.ts";
import { main as guardMain } from "../../cli/guard.ts";
import { type Environment, pulumiCommand } from "../../cli/pulumi.ts";
import { main as renderMain } from "../../cli/render.ts";
import { main as validateMain } from "../../cli/validate.ts";
import { main as benchMain } from "../../harness/bench.ts";
import { main as checkDrawingMain } from "../../harness/checkDrawing.ts";
import { main as e2eMain } from "../../harness/e2e.ts";
import type { StackLayers } from "../../lib/core/layer.ts";
import { LAYERS, type Layer, projectName } from "../../lib/core/layerNames.ts";

export const STACK = "bad";

/** Distinctive secret values: none may ever appear in any output. */
export const CANARIES = {
  cloudflare: "CANARY-cloudflare-7Kq2Zt9w",
  pihole: "CANARY-pihole-3Vx8Lm1p",
  externalIp: "81.2.69.77",
  pocketId: "CANARY-pocket-id-key-5Rt6Yh2b",
  clientId: "CANARY-client-id-8Jn3Wc6v",
  clientSecret: "CANARY-client-secret-2Ds5Fg7h",
  app: "CANARY-app-admin-9Qw4Ep0z",
} as const;

/** The values of the example stack as YAML text after `key:`, secrets replaced by canaries. */
const BASE: Readonly<Record<Layer, Readonly<Record<string, string>>>> = {
  network: {
    domain: "myhome.net",
    ip_address_pool: "192.168.4.80-192.168.4.100",
    public_ingress_ip: "192.168.4.70",
    private_ingress_ip: "192.168.4.71",
    dns_server_ip: "192.168.4.53",
    real_external_ip: CANARIES.externalIp,
    cert_manager_email: "admin@myhome.net",
    cloudflare_api_token: CANARIES.cloudflare,
    pihole_admin_password: CANARIES.pihole,
  },
  storage: {
    nfs_hostname: "nas.home.arpa",
    nfs_share_path: "/volume1/kubernetes",
    longhorn_nfs_backup_path: "/volume1/backups/longhorn",
    timezone: "Australia/Brisbane",
  },
  auth: {
    pocket_id_encryption_key: CANARIES.pocketId,
    tinyauth_oauth_client_id: CANARIES.clientId,
    tinyauth_oauth_client_secret: CANARIES.clientSecret,
  },
  apps: { apps: "demo,miniflux", app_secrets: `\n    miniflux:\n      admin_password: ${CANARIES.app}` },
};

/**
 * One change to a stack file: `key` is a key of `layer` (prefixed for you) or a full key with a
 * colon; `value` is the YAML text after the colon ("" leaves it blank), undefined removes it.
 */
export interface Edit {
  layer: Layer;
  key: string;
  value?: string;
  /** Write `key` exactly as given, without the layer prefix. */
  bare?: boolean;
}

export interface StackChanges {
  edits?: readonly Edit[];
  /** Whole files instead of the generated ones. */
  files?: Partial<Record<Layer, string>>;
  /** Layers whose stack file is missing. */
  missing?: readonly Layer[];
}

const fileText = (layer: Layer, edits: readonly Edit[]): string => {
  const entries = new Map(
    Object.entries(BASE[layer]).map(([key, value]) => [`${projectName(layer)}:${key}`, value]),
  );
  for (const edit of edits.filter((e) => e.layer === layer)) {
    const key = edit.bare || edit.key.includes(":") ? edit.key : `${projectName(layer)}:${edit.key}`;
    if (edit.value === undefined) entries.delete(key);
    else entries.set(key, edit.value);
  }
  const lines = [...entries].map(([key, value]) =>
    value === "" || value.startsWith("\n") ? `  ${key}:${value}` : `  ${key}: ${value}`,
  );
  return `config:\n${lines.join("\n")}\n`;
};

/** Stack `bad` runs every app file of the apps folder under test (its `apps` unset, as the example's). */
export const EVERY_APP_FILE: Edit = { layer: "apps", key: "apps", value: undefined };

/** A scratch repository (config/ and guard/) holding only stack `bad`, written from the changes. */
export const scratchStack = (changes: StackChanges = {}): string => {
  const root = mkdtempSync(join(tmpdir(), "homelab-hardening-"));
  mkdirSync(join(root, "guard"));
  for (const layer of LAYERS) {
    mkdirSync(join(root, "config", layer), { recursive: true });
    if (changes.missing?.includes(layer)) continue;
    const text = changes.files?.[layer] ?? fileText(layer, changes.edits ?? []);
    writeFileSync(join(root, "config", layer, `Pulumi.${STACK}.yaml`), text);
  }
  return root;
};

/** Every file under `root` with its size and modification time: equal before and after means nothing was written. */
export const snapshot = (root: string): Record<string, string> => {
  const walk = (dir: string): [string, string][] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return [[relative(root, path), "dir"], ...walk(path)];
      const stat = statSync(path);
      return [[relative(root, path), `${stat.size}@${stat.mtimeMs}`]];
    });
  return Object.fromEntries(walk(root));
};

export interface Run {
  code: number;
  text: string;
}

/** An io that records everything a command prints. */
export const captureIo = (env: Record<string, string | undefined> = {}) => {
  const lines: string[] = [];
  const io: CliIo = { out: (text) => lines.push(text), err: (text) => lines.push(text), env };
  return { io, text: () => lines.join("\n") };
};

/** A line of a JavaScript stack trace (`    at fn (file.ts:1:2)`). */
const STACK_TRACE = /^\s+at\s.*(\.[cm]?[jt]s|native|<anonymous>)/m;

/** What every refused input must satisfy. */
export const expectRefused = (
  run: Run,
  expected: { code: number; names: readonly string[] },
  before: Record<string, string>,
  after: Record<string, string>,
): void => {
  expect(run.code).toBe(expected.code);
  for (const name of expected.names) expect(run.text).toContain(name);
  expect(run.text).not.toMatch(STACK_TRACE);
  for (const canary of Object.values(CANARIES)) expect(run.text).not.toContain(canary);
  expect(after).toEqual(before);
};

/** A Pulumi environment that records calls instead of running anything. */
export const fakePulumi = (root: string, io: CliIo) => {
  const calls: string[][] = [];
  const environment: Environment = {
    root,
    env: { HOME: root, PULUMI_CONFIG_PASSPHRASE: "test passphrase" },
    run: async (argv) => {
      calls.push(argv);
      return 0;
    },
    capture: async () => "v3.230.0\n",
    log: (line) => io.err(line),
  };
  return { environment, calls };
};

/** A command a bad stack runs through, as a user would (the io records what it prints). */
export type StackCommand = (io: CliIo, root: string) => Promise<number>;

/** The commands every bad stack must be refused by; `preview all` must not call Pulumi. */
export const REFUSING = {
  validate: (io, root) => validateMain(["--stack", STACK], io, root),
  "validate --json": (io, root) => validateMain(["--stack", STACK, "--json"], io, root),
  render: (io, root) => renderMain(["--stack", STACK], io, root),
  "preview all": async (io, root) => {
    const { environment, calls } = fakePulumi(root, io);
    const code = await pulumiCommand(["preview", "all", "--stack", STACK], environment);
    expect(calls).toEqual([]);
    return code;
  },
} satisfies Record<string, StackCommand>;

/**
 * `changes` made to the canary stack, then each of `commands` run on it: each exits 1 naming
 * `names`, with no stack trace and no canary secret printed, and nothing written.
 */
export const expectRefusedBy = async (
  changes: StackChanges,
  names: readonly string[],
  commands: readonly (keyof typeof REFUSING)[],
): Promise<void> => {
  const root = scratchStack(changes);
  const before = snapshot(root);
  for (const command of commands) {
    const captured = captureIo({ HOME: root });
    const code = await REFUSING[command](captured.io, root);
    expectRefused({ code, text: captured.text() }, { code: 1, names }, before, snapshot(root));
  }
};

/** A command's main, run in-process; `calls` collects what it handed Pulumi (the wrapper only). */
export type CommandMain = (
  argv: string[],
  io: CliIo,
  root: string,
  calls: string[][],
) => Promise<number> | number;

/** Every command a user types, by name, run in-process with a recording io; Pulumi is never run. */
export const COMMAND_MAINS = {
  render: (argv, io, root) => renderMain(argv, io, root),
  validate: (argv, io, root) => validateMain(argv, io, root),
  guard: (argv, io, root) => guardMain(argv, io, root),
  docs: (argv, io, root) => docsMain(argv, io, root),
  backups: (argv, io, root) => backupsMain(argv, io, root),
  bench: (argv, io) => benchMain(argv, io),
  e2e: (argv, io) => e2eMain(argv, io),
  checkDrawing: (argv, io) => checkDrawingMain(argv, io),
  pulumi: async (argv, io, root, calls) => {
    const fake = fakePulumi(root, io);
    const code = await pulumiCommand(argv, {
      ...fake.environment,
      env: { ...fake.environment.env, ...io.env },
    });
    calls.push(...fake.calls);
    return code;
  },
} satisfies Record<string, CommandMain>;

/** `validate` and `render` of the canary stack with `layers`, in-process: their runs and the files before and after. */
export const validateAndRender = async (root: string, layers: StackLayers) => {
  const before = snapshot(root);
  const validating = captureIo({ HOME: root });
  const run = {
    code: await validateMain(["--stack", STACK], validating.io, root, layers),
    text: validating.text(),
  };
  const rendering = captureIo({ HOME: root });
  const rendered = {
    code: await renderMain(["--stack", STACK], rendering.io, root, layers),
    text: rendering.text(),
  };
  return { before, run, rendered, after: snapshot(root) };
};
