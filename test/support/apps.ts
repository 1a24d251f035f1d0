/** Fixtures for the apps tests: upstream contract values, a structural CNPG Cluster check, and a layer runner. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AppContracts } from "../../lib/app/render.ts";
import type { RawConfig } from "../../lib/config/schema.ts";
import type { KubeObject } from "../../lib/core/plan.ts";
import { appsLayer } from "../../lib/layers/apps/layer.ts";
import { importApps } from "../../lib/layers/apps/plan.ts";
import { EXAMPLE_NETWORK, EXAMPLE_STORAGE } from "./contracts.ts";
import { type LayerRun, runLayerOffline } from "./layers.ts";
import { REFERENCE_SCHEMAS } from "./render.ts";

export const CONTRACTS: AppContracts = {
  network: EXAMPLE_NETWORK,
  storage: EXAMPLE_STORAGE,
  auth: {
    publicAuthMiddleware: "tinyauth-public-auth@kubernetescrd",
    privateAuthMiddleware: "tinyauth-private-auth@kubernetescrd",
    pocketIdIssuerUrl: "https://pocketid.example.com",
    tinyauthUrl: "https://auth.example.com",
    uiHosts: [
      "longhorn.example.com",
      "pihole.example.com",
      "traefik.example.com",
      "traefik-public.example.com",
    ],
    pocketIdNamespace: "pocket-id",
    pocketIdInternalUrl: "http://pocket-id.pocket-id.svc.cluster.local:80",
    pocketIdApiKeySecret: "pocket-id-secrets",
  },
};

// ---------------------------------------------------------------- CloudNativePG Cluster

const CNPG_CRD_PATH = join(REFERENCE_SCHEMAS, "crd-cnpg-cluster.yaml");

interface OpenApiSchema {
  type?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
}

/** A small OpenAPI v3 structural validator: types, unknown fields, required fields, enums, minimums. */
export const schemaProblems = (value: unknown, schema: OpenApiSchema, path = ""): string[] => {
  const at = path === "" ? "(root)" : path;
  if (schema["x-kubernetes-int-or-string"]) {
    return typeof value === "string" || Number.isInteger(value) ? [] : [`${at}: not an int or string`];
  }
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") return [`${at}: not a string`];
      break;
    case "integer":
      if (!Number.isInteger(value)) return [`${at}: not an integer`];
      if (schema.minimum !== undefined && (value as number) < schema.minimum)
        return [`${at}: below ${schema.minimum}`];
      break;
    case "boolean":
      if (typeof value !== "boolean") return [`${at}: not a boolean`];
      break;
    case "array":
      if (!Array.isArray(value)) return [`${at}: not an array`];
      return value.flatMap((item, i) =>
        schema.items ? schemaProblems(item, schema.items, `${path}[${i}]`) : [],
      );
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      // `metadata` and other object fields without properties are checked by the API server, not the CRD.
      if (schema.properties === undefined && schema.additionalProperties === undefined) return [];
      const problems = (schema.required ?? [])
        .filter((key) => !(key in record))
        .map((key) => `${at}: missing ${key}`);
      for (const [key, inner] of Object.entries(record)) {
        const sub = `${path === "" ? "" : `${path}.`}${key}`;
        const property = schema.properties?.[key];
        if (property) problems.push(...schemaProblems(inner, property, sub));
        else if (typeof schema.additionalProperties === "object")
          problems.push(...schemaProblems(inner, schema.additionalProperties, sub));
        else if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true)
          problems.push(`${sub}: unknown field`);
      }
      return problems;
    }
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: not one of ${schema.enum.join(", ")}`];
  return [];
};

/** The v1 schema of the Cluster CRD (operator 1.30.0), when the reference copy is on this machine. */
export const cnpgClusterSchema = (): OpenApiSchema | undefined => {
  if (!existsSync(CNPG_CRD_PATH)) return undefined;
  // Bun's native parser: the same tree as the yaml library's for this 7,000-line file, in 7 ms, not 400.
  const crd = Bun.YAML.parse(readFileSync(CNPG_CRD_PATH, "utf8")) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: OpenApiSchema } }[] };
  };
  return crd.spec.versions.find((version) => version.name === "v1")?.schema.openAPIV3Schema;
};

/**
 * The fields of the Cluster spec this layer writes, with their CRD types (read off
 * crd-cnpg-cluster.yaml, operator 1.30.0): a check that works without the reference copy.
 */
export const clusterStructureProblems = (object: Record<string, unknown>): string[] => {
  const problems: string[] = [];
  if (object.apiVersion !== "postgresql.cnpg.io/v1") problems.push("apiVersion is not postgresql.cnpg.io/v1");
  if (object.kind !== "Cluster") problems.push("kind is not Cluster");
  const metadata = object.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (typeof metadata?.name !== "string" || typeof metadata.namespace !== "string")
    problems.push("metadata needs name and namespace");
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return [...problems, "no spec"];
  const known: Record<string, (v: unknown) => boolean> = {
    instances: (v) => Number.isInteger(v) && (v as number) >= 1,
    imageName: (v) => typeof v === "string",
    enablePDB: (v) => typeof v === "boolean",
    enableSuperuserAccess: (v) => typeof v === "boolean",
    bootstrap: (v) => {
      const { initdb, recovery } = v as {
        initdb?: Record<string, unknown>;
        recovery?: Record<string, unknown>;
      };
      const named = (b: Record<string, unknown>, extra: string[]) =>
        Object.keys(b).every((k) => ["database", "owner", ...extra].includes(k)) &&
        typeof b.database === "string" &&
        typeof b.owner === "string";
      if (initdb !== undefined) return recovery === undefined && named(initdb, []);
      const backup = recovery?.backup as { name?: unknown } | undefined;
      return recovery !== undefined && named(recovery, ["backup"]) && typeof backup?.name === "string";
    },
    backup: (v) => {
      const { volumeSnapshot, ...rest } = v as { volumeSnapshot?: Record<string, unknown> };
      const fields = ["className", "online", "onlineConfiguration", "snapshotOwnerReference"];
      return (
        Object.keys(rest).length === 0 &&
        volumeSnapshot !== undefined &&
        Object.keys(volumeSnapshot).every((k) => fields.includes(k)) &&
        typeof volumeSnapshot.className === "string" &&
        ["none", "cluster", "backup"].includes(String(volumeSnapshot.snapshotOwnerReference))
      );
    },
    storage: (v) => {
      const s = v as Record<string, unknown>;
      return (
        Object.keys(s).every((k) => ["size", "storageClass"].includes(k)) &&
        typeof s.size === "string" &&
        typeof s.storageClass === "string"
      );
    },
    affinity: (v) => {
      const tolerations = (v as { tolerations?: unknown }).tolerations;
      return (
        Object.keys(v as object).every((k) => k === "tolerations") &&
        Array.isArray(tolerations) &&
        tolerations.every((t) => typeof t === "object" && t !== null)
      );
    },
    inheritedMetadata: (v) => {
      const labels = (v as { labels?: Record<string, unknown> }).labels ?? {};
      return Object.values(labels).every((label) => typeof label === "string");
    },
  };
  if (!("instances" in spec)) problems.push("spec.instances is required");
  for (const [key, value] of Object.entries(spec)) {
    const check = known[key];
    if (!check) problems.push(`spec.${key} is not a field this check knows`);
    else if (!check(value)) problems.push(`spec.${key} has the wrong shape`);
  }
  return problems;
};

// ---------------------------------------------------------------- the layer

/** Runs the apps layer over `dir` with the fixture contracts. */
export const runApps = async (
  dir: string,
  raw: RawConfig = {},
  contracts: AppContracts = CONTRACTS,
): Promise<LayerRun> => runLayerOffline(appsLayer(await importApps(dir)), raw, contracts);

/** The one object of a kind (and name) among rendered objects; anything else is a test failure. */
export const one = (objects: KubeObject[], kind: string, name?: string): LooseObject => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ""}, found ${found.length}`);
  return found[0] as LooseObject;
};
/** An object whose every field a test may read or replace, whatever its kind. */
// biome-ignore lint/suspicious/noExplicitAny: tests read deep into rendered objects.
type LooseObject = KubeObject & Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: tests read deep into rendered objects.
export const specOf = (object: KubeObject): any => (object as LooseObject).spec;
export const podSpec = (objects: KubeObject[]) => specOf(one(objects, "Deployment")).template.spec;
