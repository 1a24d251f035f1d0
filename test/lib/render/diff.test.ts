/**
 * The change report over real renders of the example stack: the committed apps against a changed
 * copy of the apps folder, each case named in plain words.
 */
import { describe, expect, test } from "bun:test";
import { renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { EXTERNAL_RULES, externalChangeAction } from "../../../lib/guard/rules.ts";
import {
  dataLosses,
  diffRenders,
  formatReport,
  type ObjectChange,
  parseRenderFiles,
} from "../../../lib/render/diff.ts";
import type { RenderedLayer } from "../../../lib/render/render.ts";
import { renderedStack } from "../../support/render.ts";
import { appsFixture, renderWithApps, replaceIn } from "../../support/safety.ts";

const filesOf = (layers: readonly RenderedLayer[]): Record<string, string> =>
  Object.assign({}, ...layers.map((layer) => layer.files));

const changesFor = async (
  edit: (dir: string) => void,
): Promise<{ changes: ObjectChange[]; report: string }> => {
  const rendered = await renderWithApps(appsFixture(edit));
  if (rendered.isErr()) throw new Error(JSON.stringify(rendered.error));
  const changes = diffRenders(
    parseRenderFiles(filesOf(await renderedStack())),
    parseRenderFiles(filesOf(rendered.value)),
  );
  return { changes, report: formatReport(changes, "report").join("\n") };
};

const actions = (changes: readonly ObjectChange[]) =>
  changes.map((c) => `${c.action} ${c.layer}: ${c.label}`);
const DEMO = join("demo.ts");

describe("bun run diff: what a deploy would do", () => {
  test("the same render: no changes", async () => {
    const files = parseRenderFiles(filesOf(await renderedStack()));
    expect(files.length).toBeGreaterThan(50);
    expect(diffRenders(files, files)).toEqual([]);
  });

  test("an image bump updates the Deployment in place: nothing lost", async () => {
    const { changes, report } = await changesFor((d) =>
      replaceIn(join(d, DEMO), "traefik/whoami:v1.11.0", "traefik/whoami:v1.12.0"),
    );
    expect(actions(changes)).toEqual(["update apps: Deployment demo/demo"]);
    expect(dataLosses(changes)).toEqual([]);
    expect(report).toContain(
      'spec.template.spec.containers.0.image: "traefik/whoami:v1.11.0" -> "traefik/whoami:v1.12.0"',
    );
    expect(report).toContain("Nothing that holds data is replaced or deleted.");
  });

  test("a claim moved from NFS to Longhorn is replaced: data loss, reported first", async () => {
    const { changes, report } = await changesFor((d) => {
      replaceIn(join(d, DEMO), "withNfsVolume,", "withLonghornVolume,\n  withNfsVolume,");
      replaceIn(
        join(d, DEMO),
        'withNfsVolume({ name: "data", folder: "demo", mountPath: "/data" }),',
        'withLonghornVolume({ name: "data", mountPath: "/data", size: "1Gi" }),',
      );
    });
    expect(actions(dataLosses(changes))).toEqual([
      "delete apps: PersistentVolume demo-data",
      "replace apps: PersistentVolumeClaim demo/demo-data",
    ]);
    const lines = report.split("\n");
    expect(lines[2]).toStartWith("DATA LOSS: a deploy would delete or replace 2 object(s)");
    expect(lines[4]).toContain(
      "apps: PersistentVolumeClaim demo/demo-data is replaced (deleted and created again, empty) because spec.accessModes.0, spec.storageClassName, spec.volumeName cannot change in place: its data is lost",
    );
    expect(report).toContain(
      'spec.storageClassName: "" -> "longhorn"  [cannot change in place: forces a replacement]',
    );
  });

  test("removing an app deletes its claim, volume and namespace: data loss", async () => {
    const { changes, report } = await changesFor((d) => rmSync(join(d, DEMO)));
    expect(actions(dataLosses(changes))).toEqual([
      "delete apps: Namespace demo",
      "delete apps: PersistentVolume demo-data",
      "delete apps: PersistentVolumeClaim demo/demo-data",
    ]);
    expect(report).toContain("apps: PersistentVolumeClaim demo/demo-data is deleted: its data is lost");
    expect(report).toContain("apps: Namespace demo is deleted: its data is lost, with everything in it");
    expect(changes.some((c) => c.action === "delete" && c.label === "Deployment demo/demo")).toBe(true);
  });

  test("renaming an app deletes its stateful objects and creates new, empty ones: data loss", async () => {
    const { changes, report } = await changesFor((d) => {
      replaceIn(join(d, DEMO), 'app("demo",', 'app("photos",');
      renameSync(join(d, DEMO), join(d, "photos.ts"));
    });
    expect(actions(dataLosses(changes))).toEqual([
      "delete apps: Namespace demo",
      "delete apps: PersistentVolume demo-data",
      "delete apps: PersistentVolumeClaim demo/demo-data",
    ]);
    expect(report).toContain(
      "apps: PersistentVolumeClaim demo/demo-data is deleted and PersistentVolumeClaim photos/photos-data created in its place, new and empty (a rename): its data is lost",
    );
    expect(actions(changes)).toContain("create apps: PersistentVolumeClaim photos/photos-data");
  });
});

describe("bun run diff: the Cloudflare record outside the cluster", () => {
  const withRecord = async (edit: (text: string) => string) => {
    const text = filesOf(await renderedStack())["network.external.yaml"] ?? "";
    const parsed = (file: string) => parseRenderFiles({ "network.external.yaml": file });
    return diffRenders(parsed(text), parsed(edit(text)));
  };

  test("another record type replaces the record (the provider's RequiresReplace), another TTL updates it", async () => {
    const retyped = await withRecord((text) => text.replace("type: A\n", "type: AAAA\n"));
    expect(actions(retyped)).toEqual([
      "replace network: cloudflare:index/dnsRecord:DnsRecord external-record",
    ]);
    expect(retyped[0]?.fields).toEqual([
      { path: "type", before: "A", after: "AAAA", note: "cannot change in place: forces a replacement" },
    ]);
    const slower = await withRecord((text) => text.replace("ttl: 1\n", "ttl: 300\n"));
    expect(actions(slower)).toEqual(["update network: cloudflare:index/dnsRecord:DnsRecord external-record"]);
  });

  test("the rule names its upstream source; the zone id replaces too", () => {
    const rule = EXTERNAL_RULES["cloudflare:index/dnsRecord:DnsRecord"];
    expect(rule?.source).toContain("terraform-provider-cloudflare internal/services/dns_record/schema.go");
    expect(externalChangeAction("cloudflare:index/dnsRecord:DnsRecord", "zoneId")).toBe("replace");
    expect(externalChangeAction("cloudflare:index/dnsRecord:DnsRecord", "content")).toBe("update");
    expect(externalChangeAction("cloudflare:index/dnsRecord:DnsRecord", "comment")).toBe("update");
  });
});
