/**
 * App files are code, and fail like code (issue 27, class 6), table-driven: every case sits in one
 * apps folder, and one `validate` (and one `render`) names each file (with `file:line:column` where
 * the compiler or the stack gives one), exits 1, prints no stack trace and no credential, and
 * writes nothing. A module that hangs is refused after a timeout the test sets low; one that calls
 * `process.exit` neither ends the run nor makes it pass. Then the cases just inside the caps and
 * the credential rule, which pass, and one real process that an app module tries to exit 0.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLayers } from "../../programs/layers.ts";
import { runApps } from "../support/apps.ts";
import { EVERY_APP_FILE, expectRefused, scratchStack, validateAndRender } from "../support/hardening.ts";
import { ROOT } from "../support/render.ts";

const LIB = join(ROOT, "lib/app/index.ts");
const IMPORTS = `import { app, pipe, withEnv, withLonghornVolume, withNfsVolume, withPostgres } from "$LIB";\n`;
const WHOAMI = '{ image: "traefik/whoami:v1.11.0", port: 80 }';
/** The import timeout of these tests: a hanging module must not cost the suite 10 s. */
const TIMEOUT_MS = 50;

/** A fresh folder of app modules; `$LIB` in a source is the app library's path. */
const appsFolder = (files: Readonly<Record<string, string>>): string => {
  const dir = mkdtempSync(join(tmpdir(), "homelab-app-modules-"));
  for (const [name, source] of Object.entries(files))
    writeFileSync(join(dir, name), source.replaceAll("$LIB", LIB));
  return dir;
};

const withEnv = (file: string, name: string, value: string): string =>
  `${IMPORTS}export default pipe(app("${file}", ${WHOAMI}), withEnv({ ${name}: ${JSON.stringify(value)} }));\n`;

/** Credentials written into withEnv values: none may be echoed. */
const CREDENTIALS = [
  "Hunter2-pg-Zq8",
  "Bearer eyTok3n-abcdefgh123",
  "MIIEpAIBAAKCAQEAc6key",
  "ghTok-9f8e7d6c",
  "qs-Secret-77xx",
  "ghp_abcdefghijklmnopqrstuvwxyz0123",
];

/** File, source, and what the output must name. */
const CASES: readonly (readonly [file: string, source: string, names: readonly string[]])[] = [
  [
    "syntax.ts",
    `${IMPORTS}export default pipe(\n  app("syntax", = 1),\n);\n`,
    ["syntax.ts:3:17: does not load: Unexpected =", "so the module compiles"],
  ],
  [
    "manyerrors.ts",
    `${IMPORTS}export default pipe(app("manyerrors", ${WHOAMI})\nconst y = 1 +;\n`,
    ['manyerrors.ts:3:1: does not load: 3 errors: manyerrors.ts:3:1: Expected ")"', "manyerrors.ts:3:9"],
  ],
  ["unclosed.ts", `${IMPORTS}export default app("unclosed", {\n`, ["unclosed.ts:2:", "end of file"]],
  [
    "badimport.ts",
    `import { app } from "./helpers/nope.ts";\nexport default app("badimport", ${WHOAMI});\n`,
    ["badimport.ts: does not load: Cannot find module './helpers/nope.ts'.", "fix the import"],
  ],
  [
    "throws.ts",
    `${IMPORTS}const port = Number("x");\nif (Number.isNaN(port)) throw new Error("PORT is not a number");\nexport default app("throws", ${WHOAMI});\n`,
    ["throws.ts:3:35: does not load: PORT is not a number"],
  ],
  [
    "hangs.ts",
    `${IMPORTS}await new Promise(() => {});\nexport default app("hangs", ${WHOAMI});\n`,
    ["hangs.ts: does not load: did not finish importing within 0.05 s", "do not wait at the top level"],
  ],
  [
    "exits.ts",
    `${IMPORTS}process.exit(0);\nexport default app("exits", ${WHOAMI});\n`,
    ["exits.ts: does not load: it called process.exit(0)", "remove the process.exit call"],
  ],
  [
    "exitslater.ts",
    `${IMPORTS}await Bun.sleep(1);\nprocess.exit();\nexport default app("exitslater", ${WHOAMI});\n`,
    ["exitslater.ts: does not load: it called process.exit()"],
  ],
  [
    "exitsinfn.ts",
    `${IMPORTS}export default () => { process.exit(0); };\n`,
    ["exitsinfn.ts: its default export threw: it called process.exit(0)"],
  ],
  [
    "copy.ts",
    `${IMPORTS}export default app("twin", ${WHOAMI});\n`,
    ["copy.ts: app twin: is defined in copy.ts and again in twin.ts: two files define one app"],
  ],
  [
    "twin.ts",
    `${IMPORTS}export default app("twin", ${WHOAMI});\n`,
    ["twin.ts: app twin: is defined in twin.ts and again in copy.ts", "keep app twin in twin.ts only"],
  ],
  [
    "pgurl.ts",
    withEnv("pgurl", "DATABASE_URL", `postgres://miniflux:${CREDENTIALS[0]}@db.lan:5432/miniflux`),
    ["pgurl.ts: app pgurl: withEnv DATABASE_URL: its value carries a password in a URL", "withSecretEnv"],
  ],
  [
    "bearer.ts",
    withEnv("bearer", "AUTH_HEADER", CREDENTIALS[1] ?? ""),
    ["bearer.ts: app bearer: withEnv AUTH_HEADER: its value carries an HTTP authorization header"],
  ],
  [
    "pem.ts",
    withEnv(
      "pem",
      "TLS_PEM",
      `-----BEGIN RSA PRIVATE KEY-----\n${CREDENTIALS[2]}\n-----END RSA PRIVATE KEY-----`,
    ),
    ["pem.ts: app pem: withEnv TLS_PEM: its value carries a private key", "app_secrets.pem.tls_pem"],
  ],
  [
    "gitremote.ts",
    withEnv("gitremote", "GIT_REMOTE", `https://deploy:${CREDENTIALS[3]}@git.example.com/me/site.git`),
    ["gitremote.ts: app gitremote: withEnv GIT_REMOTE: its value carries a password in a URL"],
  ],
  [
    "dsn.ts",
    withEnv("dsn", "DSN", `mysql://db.lan/app?user=app&password=${CREDENTIALS[4]}`),
    ["dsn.ts: app dsn: withEnv DSN: its value carries a password or token in a URL's query"],
  ],
  [
    "ghtoken.ts",
    withEnv("ghtoken", "GITHUB", CREDENTIALS[5] ?? ""),
    ["ghtoken.ts: app ghtoken: withEnv GITHUB: its value carries a provider's access token"],
  ],
  [
    "many.ts",
    `${IMPORTS}export default app("many", { ...${WHOAMI}, replicas: 50 });\n`,
    ["many.ts: app many: app(): replicas 50 is more than 10", "use at most 10"],
  ],
  [
    "huge.ts",
    `${IMPORTS}export default pipe(app("huge", ${WHOAMI}), withLonghornVolume({ name: "data", mountPath: "/data", size: "20Ti" }));\n`,
    ['huge.ts: app huge: withLonghornVolume "data": size "20Ti" is above 10Ti'],
  ],
  [
    "hugenfs.ts",
    `${IMPORTS}export default pipe(app("hugenfs", ${WHOAMI}), withNfsVolume({ name: "m", path: "/volume1/m", mountPath: "/m", size: "100Ti" }));\n`,
    ['hugenfs.ts: app hugenfs: withNfsVolume "m": size "100Ti" is above 10Ti'],
  ],
  [
    "hugedb.ts",
    `${IMPORTS}export default pipe(app("hugedb", ${WHOAMI}), withPostgres({ size: "11Ti" }));\n`,
    ['hugedb.ts: app hugedb: withPostgres: size "11Ti" is above 10Ti', "check the unit"],
  ],
];

describe("app files that fail like code, in one validate and one render", async () => {
  const dir = appsFolder(Object.fromEntries(CASES.map(([file, source]) => [file, source])));
  const root = scratchStack({ edits: [EVERY_APP_FILE] });
  // Under bun test the process's first failed module resolution costs ~70 ms (measured), more than
  // the short timeout below: pay it here, so badimport.ts fails on its import alone, as in a suite run.
  await import(join(dir, "missing-on-purpose.ts")).catch(() => undefined);
  const started = performance.now();
  const layers = await loadLayers(dir, TIMEOUT_MS);
  const loadMs = performance.now() - started;
  const { before, run, rendered, after } = await validateAndRender(root, layers);

  for (const [file, , names] of CASES)
    test(file, () => {
      expectRefused(run, { code: 1, names }, before, after);
      expectRefused(rendered, { code: 1, names }, before, after);
    });

  test("no credential written in an env value is echoed", () => {
    for (const credential of CREDENTIALS) {
      expect(run.text).not.toContain(credential);
      expect(rendered.text).not.toContain(credential);
    }
  });

  test("every app file is reported: none is skipped, and process.exit is the process's again", () => {
    // Two problems for the colliding pair and each file's own otherwise.
    for (const [file] of CASES) expect(run.text).toContain(`${file}`);
    expect(process.exit.name).not.toBe("");
    expect(String(process.exit)).not.toContain("ExitDuringLoad");
  });

  test("the hanging module costs the test's timeout, not the default 10 s", () => {
    expect(loadMs).toBeLessThan(5_000);
  });
});

describe("just inside the caps and the credential rule: accepted", () => {
  test("10 replicas, 10Ti volumes, URLs without passwords, a password filled in from $(VAR)", async () => {
    const dir = appsFolder({
      "fine.ts": `${IMPORTS}export default pipe(
  app("fine", { ...${WHOAMI}, replicas: 10 }),
  withNfsVolume({ name: "m", path: "/volume1/m", mountPath: "/m", size: "10Ti" }),
  withEnv({
    BASE_URL: "https://fine.example.com/path?page=1",
    UPSTREAM: "postgres://app@db.lan:5432/app",
    WITH_REF: "postgres://app:$(PGPASS)@db.lan/app",
    AUTH_MODE: "Bearer",
    KEY_DOC: "-----BEGIN PUBLIC KEY-----",
  }),
);
`,
      "store.ts": `${IMPORTS}export default pipe(
  app("store", ${WHOAMI}),
  withLonghornVolume({ name: "data", mountPath: "/data", size: "10Ti" }),
  withPostgres({ size: "10Ti" }),
);
`,
    });
    const run = await runApps(dir);
    const names = run.resources.map((r) => r.name);
    expect(names).toContain("deployment/fine/fine");
    expect(names).toContain("deployment/store/store");
  });
});

describe("as a real process: an app module that exits 0 at import", () => {
  test("validate exits 1 naming the file, not 0 having checked nothing", async () => {
    const dir = appsFolder({ "quitter.ts": `process.exit(0);\nexport default 1;\n` });
    const script = `
      import { main } from "${ROOT}/cli/validate.ts";
      import { loadLayers } from "${ROOT}/programs/layers.ts";
      process.exit(await main(["--stack", "example"], undefined, "${ROOT}", await loadLayers("${dir}")));
    `;
    const child = Bun.spawn(["bun", "-e", script], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    expectRefused(
      { code, text: `${out}${err}` },
      { code: 1, names: ["quitter.ts: does not load: it called process.exit(0)"] },
      {},
      {},
    );
  });
});
