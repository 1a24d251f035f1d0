import { describe, expect, test } from "bun:test";
import { secret } from "../../../lib/config/secret.ts";
import { kindId, objectId, orderPlan, type Plan, plannedRelease } from "../../../lib/core/plan.ts";
import { secretObject } from "../../../lib/k8s/config.ts";
import { createPlan } from "../../../lib/pulumi/createPlan.ts";
import { pinnedChart, REDACTED } from "../../../lib/pulumi/resources.ts";
import { runUnderMocks } from "../../support/mockRuntime.ts";

const namespace = {
  id: "namespace/cluster/demo",
  object: { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } },
  after: [],
};
const chart = {
  id: "helm/demo/thing",
  name: "thing",
  namespace: "demo",
  chart: { chart: "thing", version: "1.2.3", repo: "https://charts.example.com", facts: { tolerations: [] } },
  values: { replicas: 1 },
  after: [namespace.id],
};
const claim = {
  id: "persistentvolumeclaim/demo/data",
  object: {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data", namespace: "demo" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  },
  after: [namespace.id],
  stateful: true,
};
const password = {
  id: "secret/demo/password",
  object: secretObject({ name: "password", namespace: "demo" }, { password: secret("hunter2-hunter2") }),
  after: [namespace.id],
};
const widget = {
  id: "widget/demo/w",
  object: {
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w", namespace: "demo" },
    spec: {},
  },
  after: [chart.id],
};

describe("ids and planned releases", () => {
  test("an id is known from kind, namespace and name, the same as the built object's", () => {
    expect(kindId("Deployment", "demo", "web")).toBe("deployment/demo/web");
    expect(kindId("Namespace", undefined, "demo")).toBe(objectId(namespace.object));
  });

  test("a release is planned under its helm id, after what it waits for; Helm flags and stateful only when set", () => {
    const spec = { name: chart.name, namespace: chart.namespace, chart: chart.chart, values: chart.values };
    expect(plannedRelease(spec, [namespace.id])).toEqual(chart);
    const after = [namespace.id];
    const kept = plannedRelease({ ...spec, skipCrds: true }, after, true);
    after.push("changed");
    expect(kept).toEqual({ ...chart, skipCrds: true, stateful: true });
    expect(Object.keys(plannedRelease({ ...spec, skipCrds: false }))).not.toContain("skipCrds");
  });
});

describe("orderPlan", () => {
  test("puts every item after what it waits for, otherwise keeping plan order", () => {
    const plan: Plan = { releases: [chart], objects: [widget, claim, namespace] };
    expect(
      orderPlan(plan)
        ._unsafeUnwrap()
        .map((item) => item.id),
    ).toEqual([namespace.id, chart.id, claim.id, widget.id]);
  });

  test("reports duplicates and unknown dependencies together", () => {
    const plan: Plan = { releases: [], objects: [namespace, namespace, { ...widget, after: ["helm/x/y"] }] };
    expect(orderPlan(plan)._unsafeUnwrapErr()).toBe(
      "namespace/cluster/demo is planned twice; widget/demo/w waits for helm/x/y, which is not planned",
    );
  });

  test("reports a cycle", () => {
    const a = { ...namespace, id: "a", after: ["b"] };
    const b = { ...namespace, id: "b", after: ["a"] };
    expect(orderPlan({ releases: [], objects: [a, b] })._unsafeUnwrapErr()).toBe(
      "dependency cycle among a, b",
    );
  });
});

describe("createPlan, the one Pulumi edge", async () => {
  const run = await runUnderMocks(
    { project: "test", stack: "test", stackReference: () => undefined, invokes: {} },
    async () => {
      createPlan({ releases: [chart], objects: [widget, claim, password, namespace] }, pinnedChart);
      return {};
    },
  );
  const named = (id: string) => run.resources.find((resource) => resource.name === id);

  test("one resource per item, typed by kind; anything else is a custom resource", () => {
    expect(run.resources.map((resource) => [resource.name, resource.type]).sort()).toEqual([
      [chart.id, "kubernetes:helm.sh/v4:Chart"],
      [namespace.id, "kubernetes:core/v1:Namespace"],
      [claim.id, "kubernetes:core/v1:PersistentVolumeClaim"],
      [password.id, "kubernetes:core/v1:Secret"],
      [widget.id, "kubernetes:example.com/v1:Widget"],
    ]);
  });

  test("stateful items are protected and retained; others are not", () => {
    expect([named(claim.id)?.protect, named(claim.id)?.retainOnDelete]).toEqual([true, true]);
    expect([named(widget.id)?.protect, named(widget.id)?.retainOnDelete]).toEqual([false, false]);
  });

  test("dependencies become dependsOn", () => {
    expect(named(widget.id)?.dependsOn).toEqual([
      `urn:pulumi:test::test::kubernetes:helm.sh/v4:Chart::${chart.id}`,
    ]);
  });

  test("config secrets are revealed only as Pulumi secrets inside the Secret", () => {
    expect(named(password.id)?.inputs.stringData).toEqual({ password: REDACTED });
    expect(JSON.stringify(run.resources)).not.toContain("hunter2-hunter2");
  });

  test("a release carries chart, version, repo and values", () => {
    expect(named(chart.id)?.inputs).toMatchObject({
      chart: "thing",
      version: "1.2.3",
      repositoryOpts: { repo: "https://charts.example.com" },
      values: { replicas: 1 },
    });
  });
});
