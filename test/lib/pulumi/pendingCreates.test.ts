/**
 * The resume plan on the state a real interrupted deploy left: interruptedState.json is the
 * `pulumi stack export` (Pulumi 3.274.0) of a stack whose `pulumi up` was killed (SIGKILL) while
 * the Kubernetes provider awaited a Deployment it had created, with stack traces, source
 * positions, timestamps and the secrets provider taken out.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  adoptionOutcome,
  type ExportedState,
  kubernetesId,
  type PendingOperation,
  readExportedState,
  resumePlan,
  type StateResource,
} from "../../../lib/pulumi/pendingCreates.ts";

const TEXT = readFileSync(join(import.meta.dirname, "interruptedState.json"), "utf8");
const fixture = (): ExportedState => JSON.parse(TEXT) as ExportedState;

const DEPLOYMENT = "urn:pulumi:dev::exp::kubernetes:apps/v1:Deployment::exp-slow";
const NAMESPACE = "urn:pulumi:dev::exp::kubernetes:core/v1:Namespace::exp-ns";
const CONFIG_MAP = "urn:pulumi:dev::exp::kubernetes:core/v1:ConfigMap::exp-cm";
/** The marker Pulumi writes around a secret value (sdk go/common/resource/sig). */
const SECRET = (ciphertext: string) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext,
});

const pendingOf = (state: ExportedState): PendingOperation =>
  (state.deployment.pending_operations ?? [])[0] as PendingOperation;

/** The fixture with its pending Deployment changed by `edit`, or other operations added. */
const withPending = (edit: (resource: StateResource) => StateResource, more: PendingOperation[] = []) => {
  const state = fixture();
  const op = pendingOf(state);
  state.deployment.pending_operations = [{ ...op, resource: edit(op.resource) }, ...more];
  return state;
};

/** A resource of the fixture's state moved into a pending create, as an interruption leaves it. */
const interrupted = (state: ExportedState, urn: string): PendingOperation => {
  const resources = state.deployment.resources ?? [];
  const entry = resources.find((resource) => resource.urn === urn) as StateResource;
  state.deployment.resources = resources.filter((resource) => resource !== entry);
  const { id: _id, outputs: _outputs, ...rest } = entry;
  return { resource: rest, type: "creating" };
};

describe("reading the export", () => {
  test("the export parses; anything else is no state", () => {
    expect(readExportedState(TEXT)?.deployment.pending_operations?.length).toBe(1);
    for (const other of ["v3.230.0\n", "{}", '{"version":3}', "[]", ""])
      expect(readExportedState(other)).toBeUndefined();
  });

  test("the provider's ID: namespace/name, the name alone without a namespace, none without a plain name", () => {
    expect(kubernetesId({ metadata: { name: "cm", namespace: "exp" } })).toBe("exp/cm");
    expect(kubernetesId({ metadata: { name: "exp" } })).toBe("exp");
    expect(kubernetesId({ metadata: { name: SECRET("x") } })).toBeUndefined();
    expect(kubernetesId({ metadata: { name: "cm", namespace: SECRET("x") } })).toBeUndefined();
    expect(kubernetesId({ metadata: {} })).toBeUndefined();
    expect(kubernetesId(undefined)).toBeUndefined();
  });
});

describe("the plan", () => {
  test("the interrupted Deployment is adopted by its ID; the state keeps every other resource and loses the pending operation", () => {
    const state = fixture();
    const plan = resumePlan(state);
    expect(plan?.decisions).toEqual([
      { action: "adopt", urn: DEPLOYMENT, object: "Deployment exp/slow", id: "exp/slow" },
    ]);
    const resources = plan?.state?.deployment.resources ?? [];
    expect(plan?.state?.deployment.pending_operations).toBeUndefined();
    expect(resources.slice(0, -1)).toEqual(state.deployment.resources ?? []);
    const adopted = resources.at(-1);
    expect(adopted).toEqual({ ...pendingOf(state).resource, id: "exp/slow" });
    expect(adopted?.outputs).toBeUndefined();
    expect(plan?.state?.deployment.manifest).toEqual(state.deployment.manifest);
  });

  test("no pending create, no plan: other pending operations are Pulumi's own to settle", () => {
    const state = fixture();
    expect(
      resumePlan({ ...state, deployment: { ...state.deployment, pending_operations: [] } }),
    ).toBeUndefined();
    expect(resumePlan(withPending((resource) => resource))).toBeDefined();
    const updating = fixture();
    updating.deployment.pending_operations = [{ ...pendingOf(updating), type: "updating" }];
    expect(resumePlan(updating)).toBeUndefined();
  });

  test("a cluster-scoped object is adopted by its name; several are adopted in order", () => {
    const state = fixture();
    // The ConfigMap depends on the Namespace: both pending, the Namespace first, as the engine orders them.
    const ops = [interrupted(state, CONFIG_MAP), interrupted(state, NAMESPACE)].reverse();
    state.deployment.pending_operations = [...ops, ...(state.deployment.pending_operations ?? [])];
    const plan = resumePlan(state);
    expect(plan?.decisions.map((d) => [d.action, d.object])).toEqual([
      ["adopt", "Namespace exp"],
      ["adopt", "ConfigMap exp/cm"],
      ["adopt", "Deployment exp/slow"],
    ]);
    expect(plan?.state?.deployment.resources?.slice(-3).map((r) => r.id)).toEqual([
      "exp",
      "exp/cm",
      "exp/slow",
    ]);
  });

  test("what has nothing outside the state is dropped: a resource the state holds already, a component, a provider", () => {
    const state = fixture();
    const stack = (state.deployment.resources ?? [])[0] as StateResource;
    const provider = (state.deployment.resources ?? [])[1] as StateResource;
    const plan = resumePlan(
      withPending(
        (resource) => ({ ...resource, urn: CONFIG_MAP }),
        [
          { resource: { ...stack, urn: `${stack.urn}-child` }, type: "creating" },
          { resource: { ...provider, urn: `${provider.urn}-2` }, type: "creating" },
        ],
      ),
    );
    expect(plan?.decisions.map((d) => d.action)).toEqual(["drop", "drop", "drop"]);
    expect(plan?.decisions.map((d) => (d.action === "drop" ? d.why : ""))).toEqual([
      "it is in the state already (a later deploy created it)",
      "a component, with nothing outside the state",
      "a provider, with nothing outside the state",
    ]);
    expect(plan?.state?.deployment.resources).toEqual(fixture().deployment.resources ?? []);
  });

  test("what the wrapper cannot look up stops the plan: another provider's object, a name it cannot read, a missing reference", () => {
    const cases: [StateResource, string][] = [
      [
        {
          urn: "urn:pulumi:dev::exp::cloudflare:index/dnsRecord:DnsRecord::www",
          type: "cloudflare:index/dnsRecord:DnsRecord",
          custom: true,
        },
        "the wrapper cannot look up a cloudflare:index/dnsRecord:DnsRecord object",
      ],
      [
        {
          ...pendingOf(fixture()).resource,
          inputs: { metadata: { name: SECRET("v1:abc"), namespace: "exp" } },
        },
        "its inputs hold no plain metadata.name to look it up by",
      ],
      [
        { ...pendingOf(fixture()).resource, dependencies: [NAMESPACE, `${NAMESPACE}-gone`] },
        `it refers to ${NAMESPACE}-gone, which the state lacks`,
      ],
    ];
    for (const [resource, why] of cases) {
      const plan = resumePlan(withPending(() => resource));
      expect(plan?.decisions[0]).toMatchObject({ action: "manual", why });
      expect(plan?.state).toBeUndefined();
      expect(JSON.stringify(plan?.decisions)).not.toContain("v1:abc");
    }
  });

  test("a secret in the inputs is carried as Pulumi wrote it, never shown", () => {
    const plan = resumePlan(
      withPending((resource) => ({
        ...resource,
        inputs: { ...resource.inputs, data: { token: SECRET("v1:zzz") } },
      })),
    );
    expect(plan?.state?.deployment.resources?.at(-1)?.inputs?.data).toEqual({ token: SECRET("v1:zzz") });
    expect(JSON.stringify(plan?.decisions)).not.toContain("v1:zzz");
  });

  test("after the refresh: an adopted object still in the state was found, one the refresh dropped was not", () => {
    const plan = resumePlan(fixture());
    const decisions = plan?.decisions ?? [];
    const found = adoptionOutcome(decisions, plan?.state as ExportedState);
    expect(found.found.map((d) => d.object)).toEqual(["Deployment exp/slow"]);
    expect(adoptionOutcome(decisions, fixture()).gone.map((d) => d.object)).toEqual(["Deployment exp/slow"]);
  });
});
