/**
 * Property tests over app specs: random compositions of the real builders with random but
 * type-correct arguments (many of them invalid: names, paths, sizes, ports). Every spec either
 * plans (validation, pure render, reference checks) into objects that validate with
 * kubernetes-models (CloudNativePG Cluster: the structural check), or comes back as a list of
 * errors. Nothing throws.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
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
} from "../../lib/app/index.ts";
import { parseAppSecrets } from "../../lib/app/secrets.ts";
import { type AppBuilder, type AppSpec, app, pipe } from "../../lib/app/spec.ts";
import { validateApp } from "../../lib/app/validate.ts";
import { formatWhere } from "../../lib/core/problem.ts";
import { checkReferences } from "../../lib/layers/apps/integrity/index.ts";
import { planApps } from "../../lib/layers/apps/plan.ts";
import { CONTRACTS, clusterStructureProblems } from "../support/apps.ts";
import { entriesObject } from "../support/fuzz.ts";
import { validateObject } from "../support/kubernetesModels.ts";

const RUNS = 1000;

/** Mostly valid values, with the invalid ones users actually write mixed in. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });

const label = mostly(
  fc.constantFrom("data", "media", "cache", "db", "app", "x1", "config"),
  fc.constantFrom("", "Data", "my_data", "-x", "x-", "a.b", "config-files", "a".repeat(64)),
);
const appName = mostly(
  fc.constantFrom("demo", "photos", "rss", "wiki", "a", "my-app-2"),
  fc.constantFrom("", "Demo", "my_app", "-demo", "kube-system", "longhorn-system", "auth", "a".repeat(51)),
);
const image = mostly(
  fc.constantFrom("traefik/whoami:v1.11.0", "ghcr.io/example/app:1.2.3", `nginx@sha256:${"a".repeat(64)}`),
  fc.constantFrom("nginx", "nginx:latest", "", "registry:5000/app", "app:"),
);
const absolute = mostly(
  fc.constantFrom("/data", "/media", "/var/lib/app", "/srv/x", "/config"),
  fc.constantFrom("", "data", "./x", "relative/path"),
);
const nfsPath = mostly(
  fc.constantFrom("/volume1/media", "/volume1/kubernetes/app", "/export"),
  fc.constantFrom("", "volume1", "/volume1/../etc", "nfs://nas/x", "/a b"),
);
const size = mostly(
  fc.constantFrom("1Gi", "10Gi", "500Mi", "2G", "1.5Ti"),
  fc.constantFrom("", "10", "ten", "-1Gi", "1gb"),
);
const cpu = mostly(
  fc.constantFrom("50m", "250m", "1", "2", "1.5"),
  fc.constantFrom("", "lots", "1 core", "-1"),
);
const memory = mostly(fc.constantFrom("64Mi", "256Mi", "1Gi", "512M"), fc.constantFrom("", "big", "1 GB"));
const envName = mostly(
  fc.constantFrom("LOG_LEVEL", "TZ", "BASE_URL", "PORT", "DATABASE_URL", "APP_MODE"),
  fc.constantFrom("", "1ABC", "WITH SPACE", "ADMIN_PASSWORD", "API_TOKEN", "a-b"),
);
const secretKey = mostly(
  fc.constantFrom("admin_password", "api_token", "key.one", "secret-2"),
  fc.constantFrom("", "has space", "slash/key", "ümlaut"),
);
const names = fc.array(
  mostly(fc.constantFrom("alice", "bob@example.com", "family"), fc.constantFrom("", "a,b", "x y")),
  {
    maxLength: 3,
  },
);
const text = mostly(fc.constantFrom("because", "binds port 53"), fc.constantFrom("", " "));

const builder: fc.Arbitrary<AppBuilder> = fc.oneof(
  fc
    .record(
      { name: label, path: nfsPath, mountPath: absolute, readOnly: fc.boolean(), size },
      { requiredKeys: ["name", "path", "mountPath"] },
    )
    .map(withNfsVolume),
  fc
    .record(
      { name: label, mountPath: absolute, size, backup: fc.boolean() },
      { requiredKeys: ["name", "mountPath", "size"] },
    )
    .map(withLonghornVolume),
  fc.record({ subdomain: label }, { requiredKeys: [] }).map(withPrivateIngress),
  fc.record({ subdomain: label, noAuth: text }, { requiredKeys: [] }).map(withPublicIngress),
  fc.record({ users: names, emails: names, groups: names }, { requiredKeys: [] }).map(withAuth),
  fc
    .record(
      {
        size,
        instances: fc.integer({ min: -1, max: 3 }),
        database: mostly(fc.constantFrom("app", "miniflux", "my_db"), fc.constantFrom("Bad-Name", "")),
        backup: fc.boolean(),
        env: entriesObject(
          fc.constantFrom("url", "jdbcUrl", "host", "port", "user", "password", "database", "bogus"),
          envName,
          { maxKeys: 3 },
        ),
      },
      { requiredKeys: [] },
    )
    .map((options) => withPostgres(options as Parameters<typeof withPostgres>[0])),
  entriesObject(envName, fc.constantFrom("1", "info", "https://x.example.com", ""), { maxKeys: 3 }).map(
    withEnv,
  ),
  entriesObject(envName, secretKey, { maxKeys: 2 }).map(withSecretEnv),
  fc
    .tuple(
      fc.constantFrom("/etc/app/config.yaml", "/config/app.ini", "relative.conf", "/etc/app/", "/x/a b"),
      fc.constantFrom("", "level: info\n", "a=1"),
    )
    .map(([path, content]) => withConfigFile(path, content)),
  fc
    .record(
      {
        requests: fc.record({ cpu, memory }, { requiredKeys: [] }),
        limits: fc.record({ cpu, memory }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    )
    .map(withResources),
  fc
    .record(
      {
        path: mostly(fc.constantFrom("/healthz", "/"), fc.constantFrom("healthz")),
        command: mostly(
          fc.constantFrom<string[]>(["true"], ["/bin/check", "--quick"]),
          fc.constant<string[]>([]),
        ),
        initialDelaySeconds: fc.integer({ min: 0, max: 60 }),
        periodSeconds: fc.integer({ min: 1, max: 60 }),
        startupFailureThreshold: fc.integer({ min: 1, max: 60 }),
      },
      { requiredKeys: [] },
    )
    // Both path and command is one invalid case; neither (also invalid) stays common enough.
    .map(({ command, ...options }) =>
      withProbes(options.path === undefined ? { command, ...options } : options),
    ),
  text.map(allowRunAsRoot),
  fc
    .tuple(
      fc.array(fc.constantFrom("NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN", "ALL", "CAP_NET_RAW", "bad"), {
        maxLength: 2,
      }),
      text,
    )
    .map(([capabilities, reason]) => addCapabilities(capabilities, reason)),
);

const spec: fc.Arbitrary<AppSpec> = fc
  .tuple(
    appName,
    fc.record(
      {
        image,
        port: mostly(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, -1, 65536, 1.5)),
        replicas: mostly(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 0.5)),
        user: mostly(fc.integer({ min: 1, max: 70000 }), fc.constantFrom(0, -5)),
        args: fc.array(fc.constantFrom("--port=8080", "-v", ""), { maxLength: 2 }),
      },
      { requiredKeys: ["image"] },
    ),
    fc.array(builder, { maxLength: 7 }),
  )
  .map(([name, options, builders]) => pipe(app(name, options), ...builders));

/** Sometimes every secret the app reads, sometimes none, sometimes one too many. */
const secretsFor = (appSpec: AppSpec, choice: number): string => {
  const values = Object.fromEntries(appSpec.secretEnv.map(({ key }) => [key, `value-of-${key}`]));
  if (choice === 0) return "{}";
  if (choice === 2) return JSON.stringify({ [appSpec.name]: { ...values, unused: "x-unused" } });
  return JSON.stringify(appSpec.secretEnv.length > 0 ? { [appSpec.name]: values } : {});
};

/** Plain JSON, as Pulumi sees it (a `Secret` value serializes as [secret]). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Validation results of identical objects are identical: validate each distinct one once. */
const validated = new Map<string, Promise<string[]>>();
const objectProblems = (
  object: Record<string, unknown> & { apiVersion: string; kind: string },
): Promise<string[]> => {
  const key = JSON.stringify(object);
  let result = validated.get(key);
  if (!result) {
    result = (async () => {
      if (object.kind === "Cluster") return clusterStructureProblems(object);
      const validation = await validateObject(object);
      if (validation.status === "valid") return [];
      return [`${object.kind}: ${validation.status === "invalid" ? validation.message : "no model"}`];
    })();
    validated.set(key, result);
  }
  return result;
};

describe("fuzzing app specs", () => {
  test(`${RUNS} random apps: each plans into valid objects or returns a list of errors; nothing throws`, async () => {
    const outcomes = { planned: 0, rejected: 0, objects: 0 };
    await fc.assert(
      fc.asyncProperty(spec, mostly(fc.constant(1), fc.constantFrom(0, 2)), async (appSpec, choice) => {
        const problems = validateApp(appSpec);
        const secrets = parseAppSecrets(secretsFor(appSpec, choice))._unsafeUnwrap();
        const plan = planApps(
          [{ file: `${appSpec.name}.ts`, load: { ok: true, value: appSpec } }],
          CONTRACTS,
          secrets,
        );
        if (plan.isErr()) {
          outcomes.rejected += 1;
          expect(plan.error.length).toBeGreaterThan(0);
          for (const error of plan.error) {
            // Every problem has a place, says what is wrong, and how to fix it.
            expect(formatWhere(error.where)).toMatch(/^\S/);
            expect(error.what).toMatch(/\S/);
            expect(error.fix).toMatch(/\S/);
          }
          return;
        }
        outcomes.planned += 1;
        expect(problems).toEqual([]);
        const objects = plan.value.flatMap((planned) => planned.objects.map((o) => plain(o.object)));
        outcomes.objects += objects.length;
        expect(checkReferences(objects)).toEqual([]);
        for (const object of objects) {
          expect(typeof object.metadata.name).toBe("string");
          expect(await objectProblems(object)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
    // Both branches are exercised in earnest, not just the error path.
    expect(outcomes.planned).toBeGreaterThan(RUNS / 20);
    expect(outcomes.rejected).toBeGreaterThan(RUNS / 4);
    expect(outcomes.objects).toBeGreaterThan(outcomes.planned * 3);
  }, 20_000);

  test("the property can fail: an object kubernetes-models rejects is reported", async () => {
    const broken = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "x" },
      spec: { ports: [{ port: "eighty" }] },
    };
    expect((await objectProblems(broken))[0]).toStartWith("Service: ");
    expect(
      clusterStructureProblems({ apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: {} }),
    ).not.toEqual([]);
  });
});
