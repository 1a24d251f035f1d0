/**
 * Property tests over raw configs, per layer, through the pure builders that turn a config into
 * Helm releases and Kubernetes objects (no Pulumi): every raw config either parses and builds
 * objects that validate (kubernetes-models, or the structural checks of MetalLB and Longhorn
 * CRDs) and Helm values that are plain JSON without secrets, or returns a list of errors, each
 * naming its key. Nothing throws.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ENCRYPTED, type KeySchemas, type RawConfig, type RawValue } from "../../lib/config/schema.ts";
import { isSecret } from "../../lib/config/secret.ts";
import type { Layer } from "../../lib/core/layerNames.ts";
import type { Plan } from "../../lib/core/plan.ts";
import type { Problem } from "../../lib/core/problem.ts";
import { importApps, planApps } from "../../lib/layers/apps/plan.ts";
import { authPlan } from "../../lib/layers/auth/plan.ts";
import { networkPlan } from "../../lib/layers/network/layer.ts";
import { storagePlan } from "../../lib/layers/storage/plan.ts";
import { recurringJobPlans } from "../../lib/layers/storage/recurringJobs.ts";
import { planSchedule, scheduleZone } from "../../lib/layers/storage/schedule.ts";
import { configSchemas, parseConfig } from "../../programs/layers.ts";
import { CONTRACTS } from "../support/apps.ts";
import { exampleRaw } from "../support/config.ts";
import { entriesObject, onceEach } from "../support/fuzz.ts";
import { validateObject } from "../support/kubernetesModels.ts";
import { metallbProblems } from "../support/networkCrds.ts";
import { APPS_DIR } from "../support/safety.ts";
import { recurringJobProblems } from "../support/storageCrds.ts";

const RUNS = 1000;

/** A raw value: mostly what the schema documents as an example, else the odd things people type. */
const rawValue = (layer: Layer, key: string): fc.Arbitrary<RawValue | undefined> => {
  const spec = (configSchemas[layer].keys as KeySchemas)[key];
  const example = exampleRaw(layer)[key];
  return fc.oneof(
    {
      arbitrary: fc.constantFrom(...[example, spec?.example].filter((v): v is RawValue => v !== undefined)),
      weight: 12,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
    {
      arbitrary: fc.oneof(
        fc.string(),
        fc.constant<RawValue>(ENCRYPTED),
        fc.ipV4(),
        fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}-${b}`),
        fc.domain(),
        fc.emailAddress(),
        fc.integer({ min: -30, max: 30 }).map(String),
        fc.double({ noNaN: true, min: -20, max: 20 }).map(String),
        fc.constantFrom(
          "/",
          "/a/../b",
          "Europe/Berlin",
          "Mars/Base",
          "EST",
          "02:30",
          "Sun 03:00",
          "[]",
          "{}",
        ),
        fc.array(fc.string(), { maxLength: 3 }).map((items) => JSON.stringify(items)),
      ),
      weight: 3,
    },
  );
};

/** The example config of a layer with some of its keys (and now and then an unknown key) changed. */
const rawConfig = (layer: Layer): fc.Arbitrary<RawConfig> => {
  // One arbitrary per key, built once (building one per draw was a third of the test's time).
  const change = fc.oneof(
    ...Object.keys(configSchemas[layer].keys).map((key) =>
      rawValue(layer, key).map((value) => [key, value] as const),
    ),
  );
  return fc
    .tuple(
      fc.array(change, { maxLength: 3 }),
      fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 9 },
        {
          arbitrary: fc.tuple(fc.constantFrom("domian", "nfs_host", "timezone", "unknown_key"), fc.string()),
          weight: 1,
        },
      ),
    )
    .map(([changes, extra]) => {
      const raw: Record<string, RawValue> = { ...exampleRaw(layer) };
      for (const [key, value] of changes) {
        if (value === undefined) delete raw[key];
        else raw[key] = value;
      }
      if (extra) raw[extra[0]] = extra[1];
      return raw;
    });
};

type CheckedObject = Record<string, unknown> & { apiVersion: string; kind: string };

/** Verdicts by the object's JSON: the same object is checked once, however many plans hold it. */
const cache = new Map<string, Promise<string[]>>();
const objectProblems = (built: object): Promise<string[]> => {
  const key = JSON.stringify(built);
  let result = cache.get(key);
  if (!result) {
    // Checked as plain JSON, what reaches the API server.
    const object = JSON.parse(key) as CheckedObject;
    result = (async () => {
      const validation = await validateObject(object);
      if (validation.status === "valid") return [];
      if (validation.status === "invalid") return [`${object.kind}: ${validation.message}`];
      if (object.apiVersion.startsWith("metallb.io/")) return metallbProblems(object);
      if (object.apiVersion.startsWith("longhorn.io/") && object.kind === "RecurringJob")
        return recurringJobProblems(object);
      return [`${object.apiVersion} ${object.kind}: no model and no structural check`];
    })();
    cache.set(key, result);
  }
  return result;
};

/** Secret values anywhere in Helm values would be a leak; anything not plain JSON a crash later. */
const valueProblems = (value: unknown, path: string): string[] => {
  if (isSecret(value)) return [`${path} holds a secret`];
  if (value === undefined || typeof value === "function" || typeof value === "symbol")
    return [`${path} is ${typeof value}`];
  if (typeof value === "number" && !Number.isFinite(value)) return [`${path} is ${value}`];
  if (Array.isArray(value)) return value.flatMap((item, i) => valueProblems(item, `${path}[${i}]`));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([key, inner]) => valueProblems(inner, `${path}.${key}`));
  return [];
};

/** Every problem of a built plan: its objects, its releases' pins and values. */
const planProblems = async (plan: Plan): Promise<string[]> => {
  const problems: string[] = [];
  for (const release of plan.releases) {
    problems.push(...valueProblems(release.values, `${release.name}.values`));
    if (!/^v?\d+\.\d+\.\d+/.test(release.chart.version))
      problems.push(`${release.name}: chart version ${release.chart.version} is not pinned`);
  }
  const ids = plan.objects.map((planned) => planned.id);
  if (new Set(ids).size !== ids.length) problems.push("object ids are not unique");
  for (const { object } of plan.objects) {
    if (typeof object.metadata?.name !== "string" || object.metadata.name === "")
      problems.push(`${object.kind} without a name`);
    problems.push(...(await objectProblems(object)));
  }
  return problems;
};

/** The error path: a non-empty list, each error naming a key, saying what is wrong and how to fix it. */
const expectErrorList = (errors: readonly Problem[]) => {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.where.key?.length ?? 0).toBeGreaterThan(0);
    expect(error.what.length).toBeGreaterThan(0);
    expect(error.fix.length).toBeGreaterThan(0);
  }
};

/**
 * Both branches are exercised, counted over distinct configs: a thousand runs draw about 300 to 700
 * of them, of which 15 to 150 build (the valid values per key are few, so valid configs repeat and
 * repeats are not counted; storage, the fewest, built 18 to 31 in trials, so 5 is ~4 deviations off).
 */
const expectBothOutcomes = (outcomes: { built: number; rejected: number }, distinct: number) => {
  expect(outcomes.built + outcomes.rejected).toBe(distinct);
  expect(outcomes.built).toBeGreaterThanOrEqual(5);
  expect(outcomes.rejected).toBeGreaterThan(distinct / 4);
};

const YEAR = 2026;

/** A thousand plans validated object by object: seconds, more on a busy 2-core machine. */
const FUZZ_TIMEOUT_MS = 20_000;

const builders: Record<Exclude<Layer, "apps">, (config: never) => Plan> = {
  network: (config: Parameters<typeof networkPlan>[0]) => networkPlan(config)._unsafeUnwrap(),
  storage: (config: Parameters<typeof storagePlan>[0]) => {
    const zone = scheduleZone(config, YEAR);
    return storagePlan(
      config,
      recurringJobPlans(config, zone),
      planSchedule(config.databaseBackupSchedule, zone),
    )._unsafeUnwrap();
  },
  auth: (config: Parameters<typeof authPlan>[0]["config"]) => {
    const plan = authPlan({ config, network: CONTRACTS.network, storage: CONTRACTS.storage })._unsafeUnwrap();
    return { releases: [], objects: plan.objects };
  },
};

describe("fuzzing raw configs through the pure builders", () => {
  for (const layer of ["network", "storage", "auth"] as const) {
    test(
      `${layer}: ${RUNS} raw configs build valid objects and Helm values, or return errors`,
      async () => {
        const outcomes = { built: 0, rejected: 0 };
        const property = onceEach(async (raw: RawConfig) => {
          const parsed = parseConfig(layer, raw);
          if (parsed.isErr()) {
            outcomes.rejected += 1;
            expectErrorList(parsed.error);
            return;
          }
          outcomes.built += 1;
          const plan = builders[layer](parsed.value as never);
          expect(plan.objects.length).toBeGreaterThan(0);
          expect(await planProblems(plan)).toEqual([]);
        });
        await fc.assert(fc.asyncProperty(rawConfig(layer), property.check), { numRuns: RUNS });
        expectBothOutcomes(outcomes, property.distinct());
      },
      FUZZ_TIMEOUT_MS,
    );
  }

  test(
    `apps: ${RUNS} raw configs plan the shipped apps or return errors`,
    async () => {
      const { sources, strays } = await importApps(APPS_DIR);
      const outcomes = { built: 0, rejected: 0 };
      const property = onceEach(async (raw: RawConfig, secrets: object | undefined) => {
        const config = secrets === undefined ? raw : { ...raw, app_secrets: JSON.stringify(secrets) };
        const parsed = parseConfig("apps", config);
        if (parsed.isErr()) {
          outcomes.rejected += 1;
          expectErrorList(parsed.error);
          return;
        }
        const plan = planApps(sources, CONTRACTS, parsed.value.appSecrets, strays);
        if (plan.isErr()) {
          outcomes.rejected += 1;
          expect(plan.error.length).toBeGreaterThan(0);
          return;
        }
        outcomes.built += 1;
        for (const planned of plan.value)
          for (const { object } of planned.objects)
            if (object.kind !== "Cluster") expect(await objectProblems(object)).toEqual([]);
      });
      const appSecrets = fc.oneof(
        fc.constant(undefined),
        entriesObject(
          fc.constantFrom("miniflux", "demo", "other"),
          entriesObject(fc.constantFrom("admin_password", "token"), fc.oneof(fc.string(), fc.constant(1))),
        ),
      );
      await fc.assert(fc.asyncProperty(rawConfig("apps"), appSecrets, property.check), { numRuns: RUNS });
      expectBothOutcomes(outcomes, property.distinct());
    },
    FUZZ_TIMEOUT_MS,
  );

  test("a repeated input is checked once, a failed one every time; a symbol is not its description", async () => {
    const seen: unknown[] = [];
    const property = onceEach(async (raw: RawConfig) => {
      seen.push(raw);
      if (raw.bad) throw new Error("bad");
    });
    await property.check({ a: "x" });
    await property.check({ a: "x" });
    await property.check({ a: ENCRYPTED });
    await property.check({ a: "Symbol(encrypted)" });
    await property.check({});
    await expect(property.check({ bad: "1" })).rejects.toThrow("bad");
    await expect(property.check({ bad: "1" })).rejects.toThrow("bad");
    expect(seen.length).toBe(6);
    expect(property.distinct()).toBe(4);
  });

  test("the checks can fail: secrets in Helm values, unchecked kinds, invalid objects", async () => {
    const { secret } = await import("../../lib/config/secret.ts");
    expect(valueProblems({ a: { b: secret("x") } }, "values")).toEqual(["values.a.b holds a secret"]);
    expect(await objectProblems({ apiVersion: "example.com/v1", kind: "Thing" })).toEqual([
      "example.com/v1 Thing: no model and no structural check",
    ]);
    expect(
      (
        await objectProblems({
          apiVersion: "metallb.io/v1beta1",
          kind: "IPAddressPool",
          metadata: { name: "x" },
        })
      ).length,
    ).toBeGreaterThan(0);
  });
});
