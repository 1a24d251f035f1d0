import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { README_DRAWING } from "../../cli/docs.ts";
import { withConfigReference } from "../../lib/config/reference.ts";
import { readStackConfig } from "../../lib/config/stackFile.ts";
import type { NetworkContract } from "../../lib/core/contracts.ts";
import { LAYERS } from "../../lib/core/layerNames.ts";
import { MANAGED_BY_LABEL } from "../../lib/k8s/labels.ts";
import { REDACTED, type RecordedResource } from "../../lib/pulumi/resources.ts";
import { layerDocuments, toYaml } from "../../lib/render/documents.ts";
import { drawingPage } from "../../lib/render/drawing/draw.ts";
import { escapeXml } from "../../lib/render/drawing/svg.ts";
import { findLeaks, renderStackFiles, secretPlaintexts } from "../../lib/render/render.ts";
import { hostRoutes } from "../../lib/render/routes.ts";
import { configSchemas, loadLayers } from "../../programs/layers.ts";
import { redactSecrets } from "../support/mockRuntime.ts";
import { drawnStack, ROOT, renderedStack, TEST_RUN } from "../support/render.ts";

const EXAMPLE_SECRETS = secretPlaintexts(
  configSchemas,
  readStackConfig(configSchemas, ROOT, "example")._unsafeUnwrap(),
);

describe("offline render of the example stack", () => {
  test("renders every layer in deploy order, three files each", async () => {
    const layers = await renderedStack();
    expect(layers.map((layer) => layer.layer)).toEqual([...LAYERS]);
    for (const layer of layers) {
      expect(Object.keys(layer.files).sort()).toEqual(
        [`${layer.layer}.external.yaml`, `${layer.layer}.helm.yaml`, `${layer.layer}.yaml`].sort(),
      );
    }
  });

  test("shows every deploy option Pulumi gets: Helm flags in the release, timeouts and providers in the comment", async () => {
    const network = (await renderedStack()).find((layer) => layer.layer === "network");
    const helm = network?.files["network.helm.yaml"] ?? "";
    // The external-dns releases leave the chart's crds/ folder out; the public Traefik keeps it.
    expect(helm.match(/^skipCrds: true$/gm)?.length).toBe(4);
    expect(network?.files["network.external.yaml"]).toContain("# deploy: provider cloudflare");
    const timed: RecordedResource = {
      ...(network?.resources[0] as RecordedResource),
      timeouts: { create: "15m" },
    };
    expect(toYaml([{ resource: timed, body: {} }])).toContain("# deploy: create timeout 15m");
  });

  test("is byte-identical when repeated", async () => {
    const first = await renderedStack();
    const second = renderStackFiles(await loadLayers(), ROOT, "example", TEST_RUN)._unsafeUnwrap();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toHaveLength(first.length);
    for (const [i, layer] of first.entries()) expect(second[i]?.files).toEqual(layer.files);
  });

  test("no example secret appears in plaintext in any file or public output", async () => {
    expect(EXAMPLE_SECRETS.length).toBeGreaterThanOrEqual(5);
    const layers = await renderedStack();
    const drawing = await drawnStack();
    const everything = [
      ...layers.flatMap((layer) => [...Object.values(layer.files), JSON.stringify(layer.outputs)]),
      drawing.svg,
      drawing.html,
    ];
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of EXAMPLE_SECRETS) {
      for (const text of everything) expect(text.includes(secret)).toBe(false);
    }
  });

  test("every Kubernetes object has an explicit name", async () => {
    const layers = await renderedStack();
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) {
      expect(layer.documents.kubernetes.length).toBeGreaterThan(0);
      for (const { body, resource } of layer.documents.kubernetes) {
        expect({ resource: resource.name, name: body.metadata?.name }).toEqual({
          resource: resource.name,
          name: expect.any(String),
        });
      }
    }
  });

  test("the ownership labels name the deploying layer, and no selector reads them", async () => {
    // A Deployment's selector is immutable: a selector on labels that may change would force a replacement.
    const selectors = (value: unknown): unknown[] =>
      typeof value !== "object" || value === null
        ? []
        : Object.entries(value).flatMap(([key, inner]) =>
            /selector$/i.test(key) ? [inner, ...selectors(inner)] : selectors(inner),
          );
    const layers = await renderedStack();
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) {
      expect(layer.documents.kubernetes.length).toBeGreaterThan(0);
      for (const { body } of layer.documents.kubernetes) {
        const text = JSON.stringify(selectors(body));
        expect({ object: body.metadata.name, text }).toEqual({
          object: body.metadata.name,
          text: expect.not.stringMatching(/part-of|managed-by/),
        });
        const managedBy = body.metadata.labels?.[MANAGED_BY_LABEL];
        if (managedBy !== undefined) expect(managedBy).toBe(`homelab-${layer.layer}`);
      }
    }
  });
});

describe("the drawn plan of the example stack (out/cluster.svg and out/cluster.html)", () => {
  test("shows every host, every fixed IP, the MetalLB pool, the NAS, the router's redacted address and every layer", async () => {
    const layers = await renderedStack();
    const { svg, html } = await drawnStack();
    const network = layers[0]?.outputs as NetworkContract;
    const hosts = layers.flatMap((layer) =>
      layer.documents.kubernetes.flatMap(({ body }) => hostRoutes(body)),
    );
    expect(hosts.length).toBeGreaterThan(8);
    const pool = readStackConfig(configSchemas, ROOT, "example")._unsafeUnwrap().network.ip_address_pool;
    const wanted = [
      ...hosts.map((route) => route.host),
      network.publicIngressIp,
      network.privateIngressIp,
      network.dnsServerIp,
      String(pool),
      "NAS nas.lan",
      "Router",
      "public IP <redacted>",
      ...LAYERS.map((layer) => `${layer} (`),
    ];
    expect(wanted.filter((text) => !svg.includes(escapeXml(text)))).toEqual([]);
    expect(html).toContain(svg);
  });

  test("shows each host's auth (native OIDC too) and DNS answers, and each volume's and database's backups in local time", async () => {
    const { svg } = await drawnStack();
    for (const text of [
      "demo.example.com",
      "traefik-private: forward auth",
      "traefik-public: forward auth + LAN only",
      "traefik-public: waived: the identity provider itself",
      "Cloudflare: CNAME external.example.com",
      "Pi-hole: A 192.168.4.71",
      "claim pocket-id/pocket-id-data",
      "volume-backup: daily 03:00 local",
      "Storage and backups (local time: Australia/Brisbane",
      "NFS nas.lan:/volume1/kubernetes/demo",
      "traefik-private: forward auth + native OIDC",
      "homelab-apps-miniflux",
      "database-backup: daily 02:30 local",
      "database-backup (CloudNativePG)",
    ])
      expect(svg).toContain(escapeXml(text));
  });

  test("docs/cluster.svg, the README's picture, is this drawing byte for byte (bun run docs rewrites it)", async () => {
    const committed = readFileSync(join(ROOT, README_DRAWING), "utf8");
    // Written by another process: equal bytes also prove the drawing is deterministic.
    expect(committed === (await drawnStack()).svg).toBe(true);
  });

  test("the page embeds the summary and, when given, a change report, escaped", () => {
    const page = drawingPage("example", "<svg/>", "summary <a>", "DATA LOSS: <b>");
    expect(page).toContain('<pre id="summary">summary &lt;a&gt;</pre>');
    expect(page).toContain('<pre id="change-report">DATA LOSS: &lt;b&gt;</pre>');
    expect(drawingPage("example", "<svg/>", "s")).not.toContain("change-report");
  });
});

describe("render command", () => {
  test("an invalid stack prints every error, exits non-zero and writes nothing", () => {
    const out = join(mkdtempSync(join(tmpdir(), "render-")), "out");
    const run = Bun.spawnSync(
      ["bun", join(ROOT, "cli/render.ts"), "--stack", "no-such-stack", "--out", out],
      {
        cwd: ROOT,
      },
    );
    expect(run.exitCode).toBe(1);
    const stderr = run.stderr.toString();
    expect(stderr).toContain("Stack no-such-stack has 4 config error(s); nothing was rendered");
    for (const layer of LAYERS)
      expect(stderr).toContain(`${layer}: config/${layer}/Pulumi.no-such-stack.yaml: does not exist`);
    expect(existsSync(out)).toBe(false);
  });
});

describe("redaction", () => {
  const secret = {
    [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
    value: { token: "s3cret", n: 3 },
  };

  test("replaces every leaf under a Pulumi secret and keeps the shape", () => {
    expect(redactSecrets({ data: secret, plain: "visible" })).toEqual({
      data: { token: REDACTED, n: REDACTED },
      plain: "visible",
    });
  });

  const recorded = (inputs: Record<string, unknown>): RecordedResource => ({
    urn: "urn:pulumi:s::p::kubernetes:core/v1:Secret::x",
    type: "kubernetes:core/v1:Secret",
    name: "x",
    custom: true,
    protect: false,
    retainOnDelete: false,
    dependsOn: [],
    timeouts: {},
    provider: "",
    inputs,
  });

  test("Secret objects are redacted whole even when a value was not marked secret", () => {
    const { kubernetes } = layerDocuments([
      recorded({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "x" },
        stringData: { password: "plain" },
      }),
    ]);
    expect(kubernetes[0]?.body.stringData).toEqual({ password: REDACTED });
    expect(toYaml(kubernetes)).not.toContain("plain");
  });

  /** A canary whose base64 needs padding and has a `/`, so its standard and URL-safe forms differ. */
  const CANARY = "Lk-b64-canary-Zx9v7Wm3??>";
  const BASE64_FORMS = {
    "standard, padded": "TGstYjY0LWNhbmFyeS1aeDl2N1dtMz8/Pg==",
    "standard, unpadded": "TGstYjY0LWNhbmFyeS1aeDl2N1dtMz8/Pg",
    "URL-safe, padded": "TGstYjY0LWNhbmFyeS1aeDl2N1dtMz8_Pg==",
    "URL-safe, unpadded": "TGstYjY0LWNhbmFyeS1aeDl2N1dtMz8_Pg",
  };

  test("the canary's base64 forms are what a Secret's data would hold, and all differ", () => {
    expect(Buffer.from(BASE64_FORMS["standard, padded"], "base64").toString("utf8")).toBe(CANARY);
    expect(Buffer.from(BASE64_FORMS["URL-safe, unpadded"], "base64url").toString("utf8")).toBe(CANARY);
    expect(new Set(Object.values(BASE64_FORMS)).size).toBe(4);
  });

  test("a Secret's base64 data is redacted whole, and the render of a real layer with it leaks nothing", async () => {
    const encoded = BASE64_FORMS["standard, padded"];
    const secret = recorded({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x", namespace: "demo" },
      type: "Opaque",
      data: { token: encoded },
    });
    const { kubernetes } = layerDocuments([secret]);
    expect(kubernetes[0]?.body.data).toEqual({ token: REDACTED });
    const text = toYaml(kubernetes);
    expect(text).toContain(`token: ${REDACTED}`);
    for (const form of [CANARY, ...Object.values(BASE64_FORMS)]) expect(text).not.toContain(form);
    // The same Secret among the example's apps resources: the leak check finds nothing in the file.
    const apps = (await renderedStack()).find((layer) => layer.layer === "apps");
    if (!apps) throw new Error("no apps layer rendered");
    const documents = layerDocuments([...apps.resources, secret]);
    const file = toYaml(documents.kubernetes);
    expect(file).toContain("kind: Secret");
    expect(
      findLeaks([{ ...apps, documents, files: { ...apps.files, "apps.yaml": file } }], [CANARY]),
    ).toEqual([]);
  });

  const formCases = Object.entries(BASE64_FORMS);
  test.each(formCases)(
    "the leak guard finds a secret's base64 (%s) in a file, an output and a summary",
    (_, form) => {
      const layer = {
        layer: "apps" as const,
        files: { "apps.yaml": `data:\n  token: ${form}\n`, "apps.helm.yaml": "" },
        outputs: { token: form },
        notes: [`token ${form}`],
      };
      expect(findLeaks([layer as never], [CANARY])).toEqual([
        "apps.yaml",
        "apps stack outputs",
        "apps summary",
      ]);
    },
  );

  test("the leak guard finds nothing when neither the secret nor its base64 is there", () => {
    const layer = {
      layer: "apps" as const,
      files: { "apps.yaml": `data:\n  token: ${REDACTED}\n` },
      outputs: {},
      notes: [],
    };
    expect(formCases.length).toBe(4);
    expect(findLeaks([layer as never], [CANARY])).toEqual([]);
  });

  test("the leak guard names the file a secret reached", () => {
    const layer = {
      layer: "network" as const,
      files: { "network.yaml": "password: hunter22", "network.helm.yaml": "" },
      outputs: { token: "hunter22" },
      notes: ["admin password hunter22"],
    };
    expect(findLeaks([layer as never], ["hunter22"])).toEqual([
      "network.yaml",
      "network stack outputs",
      "network summary",
    ]);
  });
});

test("the README's config reference matches the schemas (run `bun run docs` to update it)", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  expect(withConfigReference(readme, configSchemas)).toBe(readme);
  expect(readme).toContain("bun install && bun run render");
});
