/**
 * Every Helm release's values against the chart's own values schema (the upstream copies kept in
 * the team's shared reference folder, beside the repository). The Traefik and cert-manager schemas
 * reject unknown keys, so a mistyped key fails here before it fails a deploy. Skipped where the
 * reference folder is absent.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Schema, Validator } from "@cfworker/json-schema";
import { REFERENCE_SCHEMAS, renderedStack } from "../support/render.ts";

const SCHEMAS: Readonly<Record<string, string>> = {
  metallb: "metallb-values.schema.json",
  traefik: "traefik-values.schema.json",
  "cert-manager": "cert-manager-values.schema.json",
  "external-dns": "external-dns-values.schema.json",
  "cloudnative-pg": "cloudnative-pg-values.schema.json",
};

/**
 * The schema without its `required` lists: Helm validates our values merged over the chart's
 * defaults, which fill every required property, so our values alone are checked for unknown keys,
 * types and enums. (A property that happens to be named `required` has a schema, not a list.)
 */
const withoutRequired = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === "required" && Array.isArray(value)))
      .map(([key, value]) => [key, withoutRequired(value)]),
  );
};

const validators = new Map<string, Validator>();
/** An interpreting validator: a handful of documents check faster than one schema compiles. */
const validator = (file: string): Validator => {
  let found = validators.get(file);
  if (!found) {
    const schema = JSON.parse(readFileSync(join(REFERENCE_SCHEMAS, file), "utf8")) as Schema;
    // The dialect picks the draft; metallb's `$schema` spells draft-07 with https://.
    const draft = String(schema.$schema).includes("2020-12") ? "2020-12" : "7";
    found = new Validator(withoutRequired(schema) as Schema, draft, false);
    validators.set(file, found);
  }
  return found;
};

/** Each failed keyword's place and message, innermost last. */
const problemsOf = (file: string, values: unknown): string[] =>
  validator(file)
    .validate(values)
    .errors.map((error) => `${error.instanceLocation} ${error.keyword}: ${error.error}`);

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
      const problems = problemsOf(SCHEMAS[release.chart] ?? "", release.values);
      expect({ release: release.name, problems }).toEqual({ release: release.name, problems: [] });
    }
  });

  test("the check can fail: a mistyped Traefik key, a wrong type", () => {
    expect(problemsOf(SCHEMAS.traefik ?? "", { deploymnet: { replicas: 1 } })).toContain(
      "#/deploymnet false: False boolean schema.",
    );
    expect(problemsOf(SCHEMAS["external-dns"] ?? "", { image: { tag: 5 } })).toContain(
      '#/image/tag type: Instance type "number" is invalid. Expected "string", "null".',
    );
  });

  test("required properties are left to the chart's defaults", () => {
    expect(problemsOf(SCHEMAS.metallb ?? "", {})).toEqual([]);
  });
});
