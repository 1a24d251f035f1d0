/**
 * Every Helm release's values against the chart's own values schema (the upstream copies kept in
 * the team's shared reference folder, beside the repository). The Traefik and cert-manager schemas
 * reject unknown keys, so a mistyped key fails here before it fails a deploy. Skipped where the
 * reference folder is absent.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import { REFERENCE_SCHEMAS, renderedStack } from "./support/render.ts";

const SCHEMAS: Readonly<Record<string, string>> = {
  metallb: "metallb-values.schema.json",
  traefik: "traefik-values.schema.json",
  "cert-manager": "cert-manager-values.schema.json",
  "external-dns": "external-dns-values.schema.json",
  "cloudnative-pg": "cloudnative-pg-values.schema.json",
};

const compiled = new Map<string, ReturnType<typeof compile>>();
const validator = (file: string) => {
  if (!compiled.has(file)) compiled.set(file, compile(file));
  return compiled.get(file) as ReturnType<typeof compile>;
};

const compile = (file: string) => {
  const { $schema: dialect, ...schema } = JSON.parse(readFileSync(join(REFERENCE_SCHEMAS, file), "utf8")) as {
    $schema?: string;
  };
  // The dialect picks the validator; the `$schema` URL itself is dropped (metallb's uses https://).
  // Upstream's schemas are taken as given (no meta-schema check): that halves the compile time.
  // Unoptimized code is the same checks, compiled in half the time.
  const options = { strict: false, allErrors: true, validateSchema: false, code: { optimize: false } };
  const ajv = dialect?.includes("2020-12") ? new Ajv2020(options) : new Ajv(options);
  return ajv.compile(schema);
};

describe.skipIf(!existsSync(REFERENCE_SCHEMAS))("Helm values match the charts' values schemas", () => {
  test("every release of a chart that ships a schema", async () => {
    const releases = (await renderedStack()).flatMap((layer) => layer.documents.helm.map(({ body }) => body));
    const checked = releases.filter((release) => SCHEMAS[release.chart]);
    expect(checked.map((release) => release.name).sort()).toEqual([
      "cert-manager",
      "cloudnative-pg",
      "external-dns-cloudflare",
      "external-dns-pihole-primary",
      "external-dns-pihole-secondary",
      "metallb",
      "traefik-private",
      "traefik-public",
    ]);
    for (const release of checked) {
      const validate = validator(SCHEMAS[release.chart] ?? "");
      validate(release.values);
      // Helm validates our values merged over the chart's defaults, which fill every `required`
      // property; our values alone are checked for unknown keys, types and enums.
      const errors = (validate.errors ?? []).filter((error) => error.keyword !== "required");
      expect({ release: release.name, errors }).toEqual({
        release: release.name,
        errors: [],
      });
    }
  });

  test("the check can fail: a mistyped Traefik key is rejected", () => {
    const validate = validator(SCHEMAS.traefik ?? "");
    expect(validate({ deploymnet: { replicas: 1 } })).toBe(false);
  });
});
