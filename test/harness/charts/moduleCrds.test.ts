/** CRDs taken from a Go module's folder (the snapshot CRDs of external-snapshotter's client module). */
import { afterAll, describe, expect, test } from "bun:test";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crdsInFolder, hasGoModule, moduleCrds, withModuleCrds } from "../../../harness/charts/moduleCrds.ts";
import { PINNED_CHARTS } from "../../../harness/engine/standInCharts.ts";

const temp = mkdtempSync(join(tmpdir(), "module-crds-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const crd = (plural: string, group: string) =>
  [
    "---",
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "metadata:",
    `  name: ${plural}.${group}`,
    "spec:",
    `  group: ${group}`,
    "",
  ].join("\n");

describe("CRDs from a Go module", () => {
  const snapshotController = PINNED_CHARTS.find((chart) => chart.chart === "snapshot-controller");

  test("only the snapshot controller's CRDs come from a Go module: external-snapshotter's client at its appVersion", () => {
    expect(PINNED_CHARTS.filter(hasGoModule).map((chart) => chart.chart)).toEqual(["snapshot-controller"]);
    const crds = snapshotController?.facts.crds;
    expect(crds?.from === "templates" ? crds.goModule : undefined).toEqual({
      path: "github.com/kubernetes-csi/external-snapshotter/client/v8",
      version: "v8.6.0",
      folder: "config/crd",
    });
  });

  test("a module folder's CRDs of the chart's groups, by name; kustomization and other groups left out", () => {
    const folder = join(temp, "config-crd");
    mkdirSync(folder);
    writeFileSync(
      join(folder, "snapshot.storage.k8s.io_volumesnapshots.yaml"),
      crd("volumesnapshots", "snapshot.storage.k8s.io"),
    );
    writeFileSync(join(folder, "other.yaml"), crd("things", "example.com"));
    writeFileSync(join(folder, "kustomization.yaml"), "resources: []\n");
    const crds = crdsInFolder(folder, ["snapshot.storage.k8s.io"])._unsafeUnwrap();
    expect([...crds.keys()]).toEqual(["volumesnapshots.snapshot.storage.k8s.io"]);
    expect(
      crdsInFolder(folder, ["snapshot.storage.k8s.io", "groupsnapshot.storage.k8s.io"])._unsafeUnwrapErr(),
    ).toBe(`no CRD of groupsnapshot.storage.k8s.io in ${folder}`);
  });

  test("an offline copy without them gets them beside it, from the cache; its own folders stay", () => {
    const cache = join(temp, "cache");
    const offline = join(temp, "offline");
    mkdirSync(join(cache, "snapshot-controller-5.2.0"), { recursive: true });
    writeFileSync(join(cache, "snapshot-controller-5.2.0", "x.yaml"), "{}\n");
    mkdirSync(join(offline, "longhorn-1.12.1"), { recursive: true });
    const merged = withModuleCrds(offline, PINNED_CHARTS, { cache })._unsafeUnwrap();
    expect(readdirSync(merged).sort()).toEqual(["longhorn-1.12.1", "snapshot-controller-5.2.0"]);
    expect(readFileSync(join(merged, "snapshot-controller-5.2.0", "x.yaml"), "utf8")).toBe("{}\n");
    // A copy that has them already is used as it is.
    symlinkSync(join(cache, "snapshot-controller-5.2.0"), join(offline, "snapshot-controller-5.2.0"));
    expect(withModuleCrds(offline, PINNED_CHARTS, { cache })._unsafeUnwrap()).toBe(offline);
    expect(moduleCrds(snapshotController as never, { cache })._unsafeUnwrap()).toBe(
      join(cache, "snapshot-controller-5.2.0"),
    );
  });
});
