/**
 * Bad app files, table-driven: all of them sit in one apps folder, and one `validate` (and one
 * `render`) names every problem of every app (missing secrets included), exits 1, prints no stack
 * trace and no canary secret, and writes nothing. Hidden and editor files in the folder are ignored. Then the few
 * cases that run the scripts as real processes, and the guard's protection rule.
 */
import { describe, expect, test } from "bun:test";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withStatefulNamespaces } from "../../lib/core/plan.ts";
import { PLATFORM_SUBDOMAINS } from "../../lib/core/platformHosts.ts";
import type { StatefulRecord } from "../../lib/guard/records.ts";
import { compareStateful, unprotectedFindings } from "../../lib/guard/stateful.ts";
import { authHosts } from "../../lib/layers/auth/urls.ts";
import { pihole, piholeHost } from "../../lib/layers/network/names.ts";
import { loadLayers } from "../../programs/layers.ts";
import { EVERY_APP_FILE, expectRefused, scratchStack, validateAndRender } from "../support/hardening.ts";
import { ROOT } from "../support/render.ts";
import { appsFixture } from "../support/safety.ts";

const WHOAMI = '{ image: "traefik/whoami:v1.11.0", port: 80 }';

/** File name, the app's default export, and what the error must name. */
const APP_CASES: readonly (readonly [file: string, body: string, names: readonly string[]])[] = [
  ["9lives.ts", `app("9lives", ${WHOAMI})`, ["9lives.ts", "DNS-1035"]],
  [
    "zerosize.ts",
    `pipe(app("zerosize", ${WHOAMI}), withLonghornVolume({ name: "data", mountPath: "/data", size: "0Gi" }))`,
    ["zerosize.ts", '"0Gi" is not a storage quantity above zero'],
  ],
  [
    "negdb.ts",
    `pipe(app("negdb", ${WHOAMI}), withPostgres({ size: "-5Gi" }))`,
    ["negdb.ts", "withPostgres", '"-5Gi"'],
  ],
  [
    "upper.ts",
    `app("upper", { image: "Traefik/Whoami:v1.11.0", port: 80 })`,
    ["upper.ts", "well-formed image reference"],
  ],
  [
    "spaced.ts",
    `app("spaced", { image: "traefik/whoami :v1.11.0", port: 80 })`,
    ["spaced.ts", "well-formed image reference"],
  ],
  [
    "rootmount.ts",
    `pipe(app("rootmount", ${WHOAMI}), withNfsVolume({ name: "all", path: "/volume1/all", mountPath: "/" }))`,
    ["rootmount.ts", "root folder"],
  ],
  [
    "etcmount.ts",
    `pipe(app("etcmount", ${WHOAMI}), withLonghornVolume({ name: "etc", mountPath: "/etc", size: "1Gi" }))`,
    ["etcmount.ts", "system folder /etc"],
  ],
  [
    "procmount.ts",
    `pipe(app("procmount", ${WHOAMI}), withLonghornVolume({ name: "d", mountPath: "/proc/data", size: "1Gi" }))`,
    ["procmount.ts", "inside /proc"],
  ],
  [
    "sysconf.ts",
    `pipe(app("sysconf", ${WHOAMI}), withConfigFile("/sys/kernel/app.conf", "x"))`,
    ["sysconf.ts", "inside /sys"],
  ],
  [
    "lowerpass.ts",
    `pipe(app("lowerpass", ${WHOAMI}), withEnv({ db_password: "x" }))`,
    ["lowerpass.ts", "db_password", "withSecretEnv"],
  ],
  [
    "smtppass.ts",
    `pipe(app("smtppass", ${WHOAMI}), withEnv({ SMTP_PASS: "x" }))`,
    ["smtppass.ts", "SMTP_PASS", "app_secrets.smtppass.smtp_pass"],
  ],
  [
    "signkey.ts",
    `pipe(app("signkey", ${WHOAMI}), withEnv({ Signing_Key: "x" }))`,
    ["signkey.ts", "Signing_Key"],
  ],
  [
    "secretbase.ts",
    `pipe(app("secretbase", ${WHOAMI}), withEnv({ SECRET_KEY_BASE: "x" }))`,
    ["secretbase.ts", "SECRET_KEY_BASE"],
  ],
  [
    "mailer.ts",
    `pipe(app("mailer", ${WHOAMI}), withSecretEnv({ SMTP_PASSWORD: "smtp_password" }))`,
    ["mailer.ts", "app_secrets.mailer.smtp_password"],
  ],
  [
    "external.ts",
    `pipe(app("external", ${WHOAMI}), withPrivateIngress())`,
    ["external.ts", "external_record"],
  ],
  [
    "twice.ts",
    `pipe(app("twice", { image: "traefik/whoami", port: 80 }), withNfsVolume({ name: "m", path: "media", mountPath: "/m" }))`,
    ["twice.ts", "is not pinned", "NFS path"],
  ],
];

/** Files that are not apps: a broken module among them would fail the layer if it were loaded. */
const IGNORED = [".hidden.ts", "demo.ts.swp", "#demo.ts#", "demo.ts~", ".#miniflux.ts"];

const source = (body: string): string =>
  `import { app, pipe, withConfigFile, withEnv, withLonghornVolume, withNfsVolume, withPostgres, withPrivateIngress, withSecretEnv } from "${ROOT}/lib/app/index.ts";\nexport default ${body};\n`;

describe("every problem of every app, in one validate", async () => {
  const dir = appsFixture((d) => {
    for (const [file, body] of APP_CASES) writeFileSync(join(d, file), source(body));
    for (const file of IGNORED) writeFileSync(join(d, file), 'throw new Error("not an app");\n');
  });
  const root = scratchStack({ edits: [EVERY_APP_FILE] });
  const layers = await loadLayers(dir);
  const { before, run, rendered, after } = await validateAndRender(root, layers);

  for (const [file, , names] of APP_CASES) {
    test(file, () => {
      expectRefused(run, { code: 1, names }, before, after);
      expectRefused(rendered, { code: 1, names }, before, after);
    });
  }

  test("hidden and editor files are ignored", () => {
    for (const file of IGNORED) expect(run.text).not.toContain(file);
    expect(run.text).not.toContain("not an app module");
  });
});

describe("as real processes: the scripts' exit codes and output", () => {
  const script = async (args: string[], env: Record<string, string> = {}) => {
    const child = Bun.spawn(["bun", ...args], {
      cwd: ROOT,
      env: { ...process.env, HOMELAB_STACK: "", ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { code, text: `${out}${err}` };
  };

  test("deploy --stak, render --out <file>, validate of a missing stack, guard with a stray word", async () => {
    const readme = statSync(join(ROOT, "README.md")).mtimeMs;
    const [deploy, render, validate, guard] = await Promise.all([
      script(["cli/pulumi.ts", "up", "apps", "--stak", "test"]),
      script(["cli/render.ts", "--out", "README.md"]),
      script(["cli/validate.ts", "--stack", "no-such-stack"]),
      script(["cli/guard.ts", "home"]),
    ]);
    const none: Record<string, string> = {};
    expectRefused(deploy, { code: 2, names: ["--stak", "usage:"] }, none, none);
    expectRefused(render, { code: 2, names: ["--out README.md is a file"] }, none, none);
    expectRefused(validate, { code: 1, names: ["config/network/Pulumi.no-such-stack.yaml"] }, none, none);
    expectRefused(guard, { code: 2, names: ['"home"'] }, none, none);
    expect(statSync(join(ROOT, "README.md")).mtimeMs).toBe(readme);
  });
});

describe("data safety", () => {
  const record = (id: string, isProtected: boolean): StatefulRecord => ({
    id,
    pulumiName: id,
    fields: {},
    protected: isProtected,
  });

  test("removing protect from a stateful object fails the guard, and --accept cannot take it", () => {
    const before = [
      record("apps/PersistentVolumeClaim/demo/data", true),
      record("apps/Namespace/-/demo", true),
    ];
    const after = [
      record("apps/PersistentVolumeClaim/demo/data", false),
      record("apps/Namespace/-/demo", false),
    ];
    expect(compareStateful(before, after).map((f) => f.where.object)).toEqual([
      "apps/PersistentVolumeClaim/demo/data",
      "apps/Namespace/-/demo",
    ]);
    expect(unprotectedFindings(after)[1]?.what).toContain("and everything in it");
    expect(compareStateful(before, before)).toEqual([]);
  });

  test("a namespace holding a claim or a stateful release is made stateful; others are not", () => {
    const ns = (name: string) => ({
      id: `namespace/${name}`,
      after: [],
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
    });
    const plan = withStatefulNamespaces({
      releases: [],
      objects: [
        ns("data"),
        ns("web"),
        {
          id: "pvc",
          after: [],
          stateful: true,
          object: {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "d", namespace: "data" },
          },
        },
      ],
    });
    expect(plan.objects.map((item) => `${item.id} ${item.stateful === true}`)).toEqual([
      "namespace/data true",
      "namespace/web false",
      "pvc true",
    ]);
  });

  test("the platform subdomains external_record may not take are the auth layer's hosts and Pi-hole's", () => {
    const dnsServer = `${pihole.lanSubdomain}.example.com`;
    expect([...Object.values(authHosts("example.com")), piholeHost("example.com"), dnsServer].sort()).toEqual(
      PLATFORM_SUBDOMAINS.map((sub) => `${sub}.example.com`).sort(),
    );
  });
});
