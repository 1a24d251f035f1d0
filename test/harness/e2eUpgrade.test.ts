/** The upgrade rehearsal's pure parts: the recorded release, and the plan read from the engine's events. */
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import {
  dataLosses,
  plannedSteps,
  protectedRefusals,
  recordedRelease,
  upgradeFromCommit,
} from "../../harness/e2eUpgrade.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const COMMIT = "5bf60401f7139a5db13f63007eea8739d691a947";

describe("the recorded release", () => {
  test("one full commit hash besides comments; anything else says what the file must hold", () => {
    expect(upgradeFromCommit(`# a comment\n${COMMIT}\n`)._unsafeUnwrap()).toBe(COMMIT);
    expect(upgradeFromCommit("5bf6040\n")._unsafeUnwrapErr()).toContain("one full commit hash");
    expect(upgradeFromCommit(`${COMMIT}\n${COMMIT}\n`).isErr()).toBe(true);
  });

  test("the repository's own file names a commit of its history", () => {
    expect(recordedRelease(ROOT).isOk()).toBe(true);
  });
});

/** Engine events as the Automation API writes them (automation/events.ts), trimmed to what is read. */
const event = (metadata: Record<string, unknown>) =>
  JSON.stringify({ sequence: 1, resourcePreEvent: { metadata } });
const urn = (type: string, name: string) => `urn:pulumi:e2e::homelab-apps::${type}::${name}`;
const CLAIM = "kubernetes:core/v1:PersistentVolumeClaim";
const claimReplace = (op: string) =>
  event({
    op,
    urn: urn(CLAIM, "persistentvolumeclaim/demo/demo-data"),
    type: CLAIM,
    keys: ["spec"],
    detailedDiff: {
      "spec.storageClassName": { diffKind: "update-replace", inputDiff: true },
      "metadata.labels.x": { diffKind: "update", inputDiff: true },
    },
    old: { protect: true },
  });

describe("the plan from the engine's events", () => {
  const lines = [
    event({
      op: "same",
      urn: urn("kubernetes:core/v1:Namespace", "namespace/cluster/demo"),
      type: "kubernetes:core/v1:Namespace",
    }),
    event({ op: "same", urn: urn("pulumi:pulumi:Stack", "homelab-apps-e2e"), type: "pulumi:pulumi:Stack" }),
    event({
      op: "update",
      urn: urn("kubernetes:apps/v1:Deployment", "deployment/demo/demo"),
      type: "kubernetes:apps/v1:Deployment",
      diffs: ["spec"],
      detailedDiff: { "spec.replicas": { diffKind: "update", inputDiff: true } },
    }),
    claimReplace("replace"),
    claimReplace("create-replacement"),
    claimReplace("delete-replaced"),
    JSON.stringify({
      diagnosticEvent: {
        severity: "error",
        message: 'unable to replace resource "x"\nas it is currently marked for protection.',
      },
    }),
  ].join("\n");

  test("each change, with the fields that force a replace, else the changed ones", () => {
    const steps = plannedSteps(lines);
    expect(steps.map((step) => step.op)).toEqual([
      "update",
      "replace",
      "create-replacement",
      "delete-replaced",
    ]);
    expect(steps[0]).toEqual({
      op: "update",
      object: "Deployment deployment/demo/demo",
      fields: ["spec"],
      stateful: false,
    });
    expect(steps[1]?.fields).toEqual(["spec.storageClassName"]);
  });

  test("a replaced claim is one loss, named with its field; an update is none", () => {
    expect(dataLosses(plannedSteps(lines))).toEqual([
      "replace of PersistentVolumeClaim persistentvolumeclaim/demo/demo-data, forced by spec.storageClassName",
    ]);
    expect(protectedRefusals(lines)).toHaveLength(1);
  });

  test("a stateful kind counts even unprotected; a delete is a loss; a Cluster of another API is not a database", () => {
    const volume = event({
      op: "delete",
      urn: urn("kubernetes:core/v1:PersistentVolume", "persistentvolume/cluster/v"),
      type: "kubernetes:core/v1:PersistentVolume",
    });
    const other = event({
      op: "delete",
      urn: urn("kubernetes:example.com/v1:Cluster", "cluster/x/y"),
      type: "kubernetes:example.com/v1:Cluster",
    });
    const database = event({
      op: "replace",
      urn: urn("kubernetes:postgresql.cnpg.io/v1:Cluster", "cluster/m/db"),
      type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
      keys: ["spec.bootstrap"],
    });
    expect(dataLosses(plannedSteps([volume, other, database].join("\n")))).toEqual([
      "delete of PersistentVolume persistentvolume/cluster/v",
      "replace of Cluster cluster/m/db, forced by spec.bootstrap",
    ]);
  });
});
