/**
 * The volume guard end to end: the real render of the example stack, with the apps layer loaded
 * from a changed copy of programs/apps/apps/, compared with the baseline of the unchanged code.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type StatefulRecord, statefulRecords } from "../../../lib/guard/records.ts";
import { compareStateful, type Finding } from "../../../lib/guard/stateful.ts";
import { ROOT, renderedStack } from "../../support/render.ts";
import { appsFixture, renderWithApps, replaceIn, scratchRoot } from "../../support/safety.ts";

const baseline = async (): Promise<StatefulRecord[]> => statefulRecords(await renderedStack());

const findingsFor = async (appsDir: string, root = ROOT): Promise<Finding[]> => {
  const rendered = await renderWithApps(appsDir, root);
  if (rendered.isErr()) throw new Error(JSON.stringify(rendered.error));
  return compareStateful(await baseline(), statefulRecords(rendered.value));
};

const summary = (findings: readonly Finding[]) =>
  findings.map(({ where, what }) => `${where.object} ${what}`);

const DEMO_VOLUME = 'withNfsVolume({ name: "data", folder: "demo", mountPath: "/data" }),';

describe("the committed baseline", () => {
  test("guard/example.json matches the example render (what `bun run guard` checks in CI)", async () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "guard/example.json"), "utf8")) as StatefulRecord[];
    expect(summary(compareStateful(committed, await baseline()))).toEqual([]);
  });

  test("it covers every kind of stateful object the layers render", async () => {
    const ids = (await baseline()).map((record) => record.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "apps/Cluster/miniflux/miniflux-db",
        "apps/Namespace/-/demo",
        "auth/Namespace/-/pocket-id",
        "apps/PersistentVolume/-/demo-data",
        "apps/PersistentVolumeClaim/demo/demo-data",
        "auth/PersistentVolumeClaim/pocket-id/pocket-id-data",
        "storage/StorageClass/-/longhorn",
        "storage/StorageClass/-/nfs",
      ]),
    );
  });
});

describe("changed app folders make the guard fail, naming the object and the change", () => {
  test("an unchanged copy of the apps passes", async () => {
    expect(summary(await findingsFor(appsFixture()))).toEqual([]);
  });

  test("adding a second volume to an app", async () => {
    const dir = appsFixture((d) =>
      replaceIn(
        join(d, "demo.ts"),
        DEMO_VOLUME,
        `${DEMO_VOLUME}\n  withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/media" }),`,
      ),
    );
    const findings = await findingsFor(dir);
    expect(summary(findings)).toEqual([
      "apps/PersistentVolume/-/demo-media is new (an addition, no data at risk) and not yet in the baseline, so nothing would stop its later loss",
      "apps/PersistentVolumeClaim/demo/demo-media is new (an addition, no data at risk) and not yet in the baseline, so nothing would stop its later loss",
    ]);
    expect(findings[0]?.fix).toBe(
      "record it: bun run guard --accept (commit the new baseline with the change)",
    );
  });

  test("renaming an app", async () => {
    const dir = appsFixture((d) => {
      replaceIn(join(d, "demo.ts"), 'app("demo",', 'app("photos",');
      renameSync(join(d, "demo.ts"), join(d, "photos.ts"));
    });
    const findings = await findingsFor(dir);
    expect(summary(findings)).toEqual([
      "apps/Namespace/-/demo is renamed to apps/Namespace/-/photos: Kubernetes sees a deletion and a new, empty object",
      "apps/PersistentVolume/-/demo-data is renamed to apps/PersistentVolume/-/photos-data: Kubernetes sees a deletion and a new, empty object",
      "apps/PersistentVolumeClaim/demo/demo-data is renamed to apps/PersistentVolumeClaim/photos/photos-data: Kubernetes sees a deletion and a new, empty object",
    ]);
    expect(findings[0]?.fix).toContain("keep the old name, or if this is intended, back the data up");
    expect(findings[0]?.fix).toContain("bun run guard --accept");
  });

  test("changing a volume's storage class (NFS to Longhorn)", async () => {
    const dir = appsFixture((d) => {
      replaceIn(join(d, "demo.ts"), "withNfsVolume,", "withLonghornVolume,\n  withNfsVolume,");
      replaceIn(
        join(d, "demo.ts"),
        DEMO_VOLUME,
        'withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),',
      );
    });
    expect(summary(await findingsFor(dir))).toEqual([
      "apps/PersistentVolume/-/demo-data is deleted: its data would be lost",
      'apps/PersistentVolumeClaim/demo/demo-data changes spec.storageClassName from "" to "longhorn": the object would be replaced',
      'apps/PersistentVolumeClaim/demo/demo-data changes spec.accessModes from ["ReadWriteMany"] to ["ReadWriteOnce"]: the object would be replaced',
      'apps/PersistentVolumeClaim/demo/demo-data changes spec.volumeName from "demo-data" to unset: the object would be replaced',
    ]);
  });

  test("shrinking a database volume", async () => {
    const dir = appsFixture((d) => replaceIn(join(d, "miniflux.ts"), 'size: "5Gi"', 'size: "2Gi"'));
    expect(summary(await findingsFor(dir))).toEqual([
      "apps/Cluster/miniflux/miniflux-db shrinks from 5Gi to 2Gi: volumes cannot shrink",
    ]);
  });

  test("removing an app module (with a volume)", async () => {
    const dir = appsFixture((d) => rmSync(join(d, "demo.ts")));
    expect(summary(await findingsFor(dir))).toEqual([
      "apps/Namespace/-/demo is deleted: its data would be lost",
      "apps/PersistentVolume/-/demo-data is deleted: its data would be lost",
      "apps/PersistentVolumeClaim/demo/demo-data is deleted: its data would be lost",
    ]);
  });

  test("removing an app module (with a database), its secret removed from the config too", async () => {
    const root = scratchRoot();
    writeFileSync(join(root, "config/apps/Pulumi.example.yaml"), "config: {}\n");
    const dir = appsFixture((d) => rmSync(join(d, "miniflux.ts")));
    const findings = await findingsFor(dir, root);
    expect(summary(findings)).toEqual([
      "apps/Cluster/miniflux/miniflux-db is deleted: its data would be lost",
      "apps/Namespace/-/miniflux is deleted: its data would be lost",
    ]);
    expect(findings[0]?.fix).toBe(
      "restore the code that created it, or if this is intended, back the data up, then accept it: bun run guard --accept (commit the new baseline with the change)",
    );
  });
});
