/** The app library without Pulumi: every builder, and every validation rule (each able to fail). */
import { describe, expect, test } from "bun:test";
import {
  addCapabilities,
  allowRunAsRoot,
  withAuth,
  withConfigFile,
  withEnv,
  withLonghornVolume,
  withNfsVolume,
  withPostgres,
  withPrivateIngress,
  withProbes,
  withPublicIngress,
  withResources,
  withSecretEnv,
} from "../../../lib/app/index.ts";
import { type AppSpec, app, DEFAULT_RESOURCES, effectiveResources, pipe } from "../../../lib/app/spec.ts";
import { validateApp } from "../../../lib/app/validate.ts";
import { formatProblem } from "../../../lib/core/problem.ts";
import { bytes, millicores } from "../../../lib/k8s/quantity.ts";

const base = () => app("web", { image: "traefik/whoami:v1.11.0", port: 8080 });
const messages = (spec: AppSpec) => validateApp(spec).map((p) => `${p.where.part}: ${p.what}`);
const ok = (spec: AppSpec) => expect(validateApp(spec)).toEqual([]);

describe("app() and pipe", () => {
  test("app() gives plain, frozen data with safe defaults", () => {
    const spec = base();
    expect(spec).toEqual({
      kind: "AppSpec",
      name: "web",
      image: "traefik/whoami:v1.11.0",
      port: 8080,
      replicas: 1,
      user: 65532,
      group: 65532,
      env: [],
      secretEnv: [],
      volumes: [],
      exposures: [],
      configFiles: [],
      conflicts: [],
    });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen(spec.volumes)).toBe(true);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  test("the group defaults to the user", () => {
    expect(app("x", { image: "a:1", user: 1000 }).group).toBe(1000);
    expect(app("x", { image: "a:1", user: 1000, group: 100 }).group).toBe(100);
  });

  test("pipe applies builders left to right and never mutates its input", () => {
    const start = base();
    const spec = pipe(start, withEnv({ A: "1" }), withEnv({ B: "2" }));
    expect(spec.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(start.env).toEqual([]);
    expect(() =>
      (spec.env as unknown as { name: string; value: string }[]).push({ name: "C", value: "" }),
    ).toThrow();
  });
});

describe("builders", () => {
  test("withNfsVolume records the export with defaults", () => {
    const spec = withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/media" })(base());
    expect(spec.volumes).toEqual([
      {
        kind: "nfs",
        name: "media",
        path: "/volume1/media",
        mountPath: "/media",
        readOnly: false,
        size: "1Gi",
      },
    ]);
  });

  test("withLonghornVolume backs up by default and can opt out", () => {
    const spec = pipe(
      base(),
      withLonghornVolume({ name: "data", mountPath: "/data", size: "10Gi" }),
      withLonghornVolume({ name: "cache", mountPath: "/cache", size: "1Gi", backup: false }),
    );
    expect(spec.volumes.map((v) => [v.name, v.kind, v.kind === "longhorn" && v.backup])).toEqual([
      ["data", "longhorn", true],
      ["cache", "longhorn", false],
    ]);
  });

  test("ingress builders default the subdomain to the app name", () => {
    const spec = pipe(
      base(),
      withPrivateIngress(),
      withPublicIngress({ subdomain: "www", noAuth: "public site" }),
    );
    expect(spec.exposures).toEqual([
      { kind: "private", subdomain: "web" },
      { kind: "public", subdomain: "www", noAuth: "public site" },
    ]);
  });

  test("withAuth records users, emails and groups", () => {
    expect(withAuth()(base()).auth).toEqual({ users: [], emails: [], groups: [] });
    expect(withAuth({ emails: ["a@example.com"], groups: ["admins"] })(base()).auth).toEqual({
      users: [],
      emails: ["a@example.com"],
      groups: ["admins"],
    });
  });

  test("withPostgres defaults: 1 instance, 5Gi, database app, backups on, DATABASE_URL", () => {
    expect(withPostgres()(base()).postgres).toEqual({
      size: "5Gi",
      instances: 1,
      database: "app",
      backup: true,
      env: { url: "DATABASE_URL" },
    });
  });

  test("withSecretEnv maps env names to config keys; withConfigFile records files", () => {
    const spec = pipe(
      base(),
      withSecretEnv({ TOKEN: "api_token" }),
      withConfigFile("/etc/x/app.yaml", "a: 1\n"),
    );
    expect(spec.secretEnv).toEqual([{ name: "TOKEN", key: "api_token" }]);
    expect(spec.configFiles).toEqual([{ path: "/etc/x/app.yaml", content: "a: 1\n" }]);
  });

  test("withResources overrides defaults field by field", () => {
    const spec = withResources({ limits: { memory: "1Gi" } })(base());
    expect(effectiveResources(spec)).toEqual({
      requests: DEFAULT_RESOURCES.requests,
      limits: { cpu: "1", memory: "1Gi" },
    });
    expect(effectiveResources(base())).toEqual(DEFAULT_RESOURCES);
  });

  test("withProbes fills timing defaults", () => {
    expect(withProbes({ path: "/healthz" })(base()).probes).toEqual({
      path: "/healthz",
      initialDelaySeconds: 0,
      periodSeconds: 10,
      startupFailureThreshold: 30,
    });
  });

  test("opt-outs carry their reasons", () => {
    const spec = pipe(base(), allowRunAsRoot("s6 overlay"), addCapabilities(["CHOWN"], "chowns /config"));
    expect(spec.runAsRoot).toBe("s6 overlay");
    expect(spec.capabilities).toEqual({ add: ["CHOWN"], reason: "chowns /config" });
  });

  test("builders that would silently override are recorded as conflicts", () => {
    const spec = pipe(base(), withPrivateIngress(), withAuth(), withAuth({ groups: ["x"] }));
    expect(spec.conflicts).toEqual(["withAuth is applied more than once"]);
    expect(messages(spec)).toContain("withAuth: withAuth is applied more than once");
  });
});

describe("validation rules", () => {
  test("a good app has no problems", () => {
    ok(
      pipe(
        base(),
        withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/media" }),
        withPrivateIngress(),
        withAuth({ groups: ["family"] }),
        withPostgres({ database: "web" }),
        withEnv({ TZ: "UTC" }),
        withSecretEnv({ API_TOKEN: "api_token" }),
        withConfigFile("/etc/web/config.yaml", "x: 1"),
        withResources({ requests: { cpu: "100m" } }),
        withProbes({ path: "/healthz" }),
      ),
    );
  });

  test("names must be DNS-1035 labels (Service names)", () => {
    expect(messages(app("My_App", { image: "a:1" }))).toContain(
      'app(): name "My_App" is not a DNS-1035 label of at most 50 characters (it names the app\'s Service)',
    );
    expect(messages(app("a".repeat(51), { image: "a:1" }))).toHaveLength(1);
    expect(messages(withNfsVolume({ name: "Media", path: "/m", mountPath: "/m" })(base()))).toContain(
      'withNfsVolume "Media": the volume name is not a DNS-1123 label',
    );
    expect(messages(withPrivateIngress({ subdomain: "a.b" })(base()))).toContain(
      'withPrivateIngress: subdomain "a.b" is not a single DNS label',
    );
  });

  test("images must be pinned", () => {
    for (const image of ["nginx", "nginx:latest", "registry:5000/nginx"]) {
      expect(messages(app("x", { image }))).toEqual([`app(): image ${JSON.stringify(image)} is not pinned`]);
    }
    ok(app("x", { image: "registry:5000/nginx:1.27" }));
    ok(app("x", { image: `nginx@sha256:${"a".repeat(64)}` }));
  });

  test("duplicate volume names and mount paths", () => {
    const spec = pipe(
      base(),
      withNfsVolume({ name: "data", path: "/a", mountPath: "/data" }),
      withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),
      withConfigFile("/data", "x"),
    );
    expect(messages(spec)).toEqual([
      'volume "data": the volume name is used more than once',
      "mount path /data: more than one volume or config file is mounted there",
    ]);
  });

  test("a relative NFS path or mount path", () => {
    const spec = withNfsVolume({ name: "media", path: "volume1/media", mountPath: "media" })(base());
    const found = validateApp(spec);
    expect(found.map((p) => p.what)).toEqual([
      'mountPath "media" is relative',
      'NFS path "volume1/media" is not an absolute path',
    ]);
    expect(found[1]?.fix).toBe("start it at the export root, e.g. /volume1/media");
  });

  test("an ingress without a port", () => {
    const spec = withPrivateIngress()(app("worker", { image: "a:1" }));
    expect(messages(spec)).toEqual(["withPrivateIngress: the app has no port to route to"]);
  });

  test("a public ingress needs auth or a named waiver", () => {
    expect(messages(withPublicIngress()(base()))).toEqual([
      "withPublicIngress: a public ingress without auth would expose the app to the internet",
    ]);
    ok(pipe(base(), withPublicIngress(), withAuth()));
    ok(withPublicIngress({ noAuth: "a public status page" })(base()));
    expect(messages(withPublicIngress({ noAuth: " " })(base()))).toEqual([
      "withPublicIngress: noAuth is empty",
    ]);
    expect(messages(pipe(base(), withPublicIngress({ noAuth: "x" }), withAuth()))).toEqual([
      "withPublicIngress: the app has withAuth and the public ingress waives auth with noAuth",
    ]);
  });

  test("a private ingress needs no auth (LAN only)", () => {
    ok(withPrivateIngress()(base()));
  });

  test("one host per exposure, at most one exposure of each kind", () => {
    // One subdomain on both classes is allowed: the public route's LAN record is the private
    // ingress (renderer), so public and private DNS agree on the LAN.
    expect(messages(pipe(base(), withPrivateIngress(), withPublicIngress({ noAuth: "x" })))).toEqual([]);
    expect(messages(pipe(base(), withPrivateIngress(), withPrivateIngress({ subdomain: "b" })))).toEqual([
      "withPrivateIngress: is applied more than once",
    ]);
  });

  test("withAuth rules: needs an ingress; users alone do not restrict Pocket ID logins; no commas", () => {
    expect(messages(withAuth()(base()))).toEqual(["withAuth: the app has no ingress to protect"]);
    expect(messages(pipe(base(), withPrivateIngress(), withAuth({ users: ["alice"] })))).toEqual([
      "withAuth: users only restricts Tinyauth local users; every Pocket ID login would still get in",
    ]);
    ok(pipe(base(), withPrivateIngress(), withAuth({ users: ["alice"], groups: ["family"] })));
    expect(messages(pipe(base(), withPrivateIngress(), withAuth({ groups: ["a,b", "kids"] })))).toEqual([
      'withAuth: groups entry "a,b" is empty or contains a comma or space',
    ]);
  });

  test("environment: duplicates across builders, bad names, secrets in plain env", () => {
    const spec = pipe(
      base(),
      withEnv({ DATABASE_URL: "x", "BAD-NAME": "y", ADMIN_PASSWORD: "hunter2" }),
      withPostgres(),
      withSecretEnv({ TOKEN: "bad key!" }),
    );
    expect(messages(spec)).toEqual([
      "env DATABASE_URL: is set more than once (withEnv, withSecretEnv, withPostgres or withOidc)",
      "env BAD-NAME: is not a valid variable name",
      "withEnv ADMIN_PASSWORD: looks like a secret, and withEnv values are plain text in the Deployment",
      'withSecretEnv TOKEN: config key "bad key!" is not a valid secret key',
    ]);
    ok(withEnv({ PASSWORD_FILE: "/run/secrets/pw", TOKEN_TTL: "3600" })(base()));
  });

  test("postgres: instances, database name, size, env fields", () => {
    const spec = withPostgres({ instances: 0, database: "My-DB", size: "lots", env: {} })(base());
    expect(messages(spec)).toEqual([
      "withPostgres: instances 0 is not a whole number >= 1",
      'withPostgres: database "My-DB" is not a plain Postgres name',
      'withPostgres: size "lots" is not a storage quantity above zero',
      "withPostgres: env names no variable, so the app cannot reach its database",
    ]);
  });

  test("a Longhorn volume cannot serve more than one replica", () => {
    const spec = withLonghornVolume({ name: "data", mountPath: "/d", size: "1Gi" })(
      app("x", { image: "a:1", replicas: 2 }),
    );
    expect(messages(spec)).toEqual([
      'withLonghornVolume "data": a Longhorn volume attaches to one node, but the app asks for 2 replicas',
    ]);
  });

  test("config files: absolute paths with distinct file names", () => {
    const spec = pipe(
      base(),
      withConfigFile("/a/app.yaml", "1"),
      withConfigFile("/b/app.yaml", "2"),
      withConfigFile("rel.txt", ""),
    );
    expect(messages(spec)).toEqual([
      "withConfigFile app.yaml: two config files share this file name",
      "withConfigFile rel.txt: is not an absolute file path with a plain file name",
    ]);
  });

  test("resources: quantities parse and requests stay within limits", () => {
    expect(messages(withResources({ requests: { cpu: "lots", memory: "2Gi" } })(base()))).toEqual([
      'withResources: requests.cpu "lots" is not a CPU quantity',
      "withResources: requests.memory 2Gi is above limits.memory 256Mi",
    ]);
    expect(millicores("250m")).toBe(250);
    expect(millicores("1.5")).toBe(1500);
    expect(bytes("1Gi")).toBe(2 ** 30);
    expect(bytes("1G")).toBe(1e9);
    expect(bytes("1 GB")).toBeUndefined();
  });

  test("probes: exactly one of path, command and tcpPort; HTTP needs a port", () => {
    expect(messages(withProbes({})(base()))).toEqual([
      "withProbes: needs exactly one of path, command and tcpPort",
    ]);
    expect(messages(withProbes({ path: "/h", command: ["true"] })(base()))).toEqual([
      "withProbes: needs exactly one of path, command and tcpPort",
    ]);
    expect(messages(withProbes({ path: "health" })(app("w", { image: "a:1" })))).toEqual([
      'withProbes: path "health" does not start with /',
      "withProbes: an HTTP probe needs the app's port",
    ]);
    ok(withProbes({ command: ["/app", "healthcheck"] })(app("w", { image: "a:1" })));
  });

  test("root needs the named opt-out, with a reason", () => {
    expect(messages(app("x", { image: "a:1", user: 0 }))).toEqual([
      "app(): user 0 is root, but the app does not opt out of running as non-root",
      "app(): group 0 is root, but the app does not opt out of running as non-root",
    ]);
    ok(allowRunAsRoot("image needs root")(app("x", { image: "a:1", user: 0 })));
    expect(messages(allowRunAsRoot("")(base()))).toEqual(["allowRunAsRoot: gives no reason"]);
  });

  test("capabilities: named, with a reason, never ALL", () => {
    expect(messages(addCapabilities(["ALL", "CAP_NET_ADMIN"], "")(base()))).toEqual([
      "addCapabilities: gives no reason",
      'addCapabilities: "ALL" is not a single capability name',
      'addCapabilities: "CAP_NET_ADMIN" is not a single capability name',
    ]);
  });

  test("all problems come at once, each with app, place, message and fix", () => {
    const spec = pipe(
      app("Bad", { image: "x" }),
      withNfsVolume({ name: "v", path: "rel", mountPath: "/m" }),
      withPublicIngress(),
    );
    const found = validateApp(spec);
    expect(found.map((p) => p.where.part)).toEqual([
      "app()",
      "app()",
      'withNfsVolume "v"',
      "withPublicIngress",
      "withPublicIngress",
      "withPublicIngress",
    ]);
    expect(found.every((p) => p.where.app === "Bad" && p.fix.length > 0)).toBe(true);
    expect(formatProblem(found[0] as (typeof found)[number])).toBe(
      'app Bad: app(): name "Bad" is not a DNS-1035 label of at most 50 characters (it names the app\'s Service).\n    fix: use lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit, e.g. my-app',
    );
  });
});
