/**
 * What `deploy:*` checks before Pulumi runs, beyond the config (cli/deployChecks.ts): a file
 * backend needs its passphrase in the environment before Pulumi would prompt for it, and a stack
 * with a volume-guard baseline is not deployed when a stateful object of the deployed layers would
 * be lost; a new one (an addition) does not stop it. Each refusal: exit 1, what and the command
 * named, no canary, Pulumi never called, nothing written.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main as guardMain } from "../../cli/guard.ts";
import { pulumiCommand } from "../../cli/pulumi.ts";
import { captureIo, expectRefused, fakePulumi, STACK, scratchStack, snapshot } from "../support/hardening.ts";

type Env = Record<string, string | undefined>;

const deploy = async (root: string, env: Env, argv: readonly string[] = ["up", "all", "--stack", STACK]) => {
  const captured = captureIo(env);
  const { environment, calls } = fakePulumi(root, captured.io);
  const code = await pulumiCommand(argv, { ...environment, env: { HOME: root, ...env } });
  return { code, calls, text: captured.text() };
};

describe("a file backend without a passphrase is refused before Pulumi asks for it", () => {
  const CASES: readonly [string, Env, boolean][] = [
    ["no backend (our .pulumi-state/), no passphrase", { PULUMI_CONFIG_PASSPHRASE: undefined }, true],
    [
      "a file:// backend, no passphrase",
      { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_BACKEND_URL: "file:///tmp/x" },
      true,
    ],
    [
      "a passphrase file",
      { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pass" },
      false,
    ],
    ["a passphrase", { PULUMI_CONFIG_PASSPHRASE: "long passphrase" }, false],
    [
      "a cloud backend needs none",
      { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_BACKEND_URL: "https://api.pulumi.com" },
      false,
    ],
  ];
  for (const [description, env, refused] of CASES) {
    test(description, async () => {
      const root = scratchStack();
      const before = snapshot(root);
      const run = await deploy(root, env);
      if (refused) {
        expectRefused(
          run,
          { code: 1, names: ["PULUMI_CONFIG_PASSPHRASE", "Pulumi was not called"] },
          before,
          snapshot(root),
        );
        expect(run.calls).toEqual([]);
      } else {
        expect(run.code).toBe(0);
        expect(run.text).not.toContain("PULUMI_CONFIG_PASSPHRASE");
      }
    });
  }

  test("stack:init asks for it too (creating a stack on a file backend writes its salt)", async () => {
    const root = scratchStack();
    const run = await deploy(root, { PULUMI_CONFIG_PASSPHRASE: undefined }, [
      "init",
      "all",
      "--stack",
      STACK,
    ]);
    expect(run.code).toBe(1);
    expect(run.calls).toEqual([]);
  });
});

describe("deploy runs the volume guard when the stack has a baseline", () => {
  const PASS = { PULUMI_CONFIG_PASSPHRASE: "long passphrase" };
  const baselined = async (): Promise<{ root: string; records: { id: string }[] }> => {
    const root = scratchStack();
    const accepted = captureIo({});
    expect(await guardMain(["--stack", STACK, "--accept"], accepted.io, root)).toBe(0);
    const path = join(root, "guard", `${STACK}.json`);
    return { root, records: JSON.parse(readFileSync(path, "utf8")) as { id: string }[] };
  };
  const writeBaseline = (root: string, records: readonly unknown[]) =>
    writeFileSync(join(root, "guard", `${STACK}.json`), `${JSON.stringify(records, null, 2)}\n`);

  test("a matching baseline lets the deploy through", async () => {
    const { root } = await baselined();
    const run = await deploy(root, PASS);
    expect(run.code).toBe(0);
    expect(run.calls.length).toBeGreaterThan(0);
  });

  test("a stateful object the code no longer creates stops the deploy, naming it and the command", async () => {
    const { root, records } = await baselined();
    const lost = {
      ...(records.find((r) => r.id.startsWith("apps/PersistentVolumeClaim/")) as object),
      id: "apps/PersistentVolumeClaim/photos/photos-data",
    };
    writeBaseline(root, [...records, lost]);
    const before = snapshot(root);
    const run = await deploy(root, PASS, ["up", "apps", "--stack", STACK]);
    expectRefused(
      run,
      {
        code: 1,
        names: [
          "apps/PersistentVolumeClaim/photos/photos-data",
          "would lose data",
          `bun run guard --stack ${STACK}`,
          "Pulumi was not called",
        ],
      },
      before,
      snapshot(root),
    );
    expect(run.calls).toEqual([]);
    // Another layer's deploy does not touch the apps' objects, so it goes on.
    expect((await deploy(root, PASS, ["up", "network", "--stack", STACK])).code).toBe(0);
  });

  test("a new stateful object is an addition, not a loss: the deploy goes on, the guard asks to accept it", async () => {
    const { root, records } = await baselined();
    writeBaseline(
      root,
      records.filter((r) => !r.id.startsWith("apps/PersistentVolumeClaim/demo/")),
    );
    const run = await deploy(root, PASS, ["up", "apps", "--stack", STACK]);
    expect(run.code).toBe(0);
    const guard = captureIo({});
    expect(await guardMain(["--stack", STACK], guard.io, root)).toBe(1);
    expect(guard.text()).toContain("addition");
    expect(guard.text()).not.toContain("would lose data");
    expect(guard.text()).toContain(`bun run guard --stack ${STACK} --accept`);
  });
});
