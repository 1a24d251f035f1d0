/**
 * Validates rendered Kubernetes objects against kubernetes-models: the core API, cert-manager and
 * Traefik model packages, picked by apiVersion and kind. The backup kinds no package models
 * (CloudNativePG ScheduledBackup, VolumeSnapshotClass) get the structural check of their CRD's
 * fields (storageCrds.ts). Other kinds without a model are reported as unvalidated so a test can
 * decide what to do with them.
 */
import { backupObjectProblems } from "./storageCrds.ts";

type ModelClass = new (data: object) => { validate(): void };

const MODEL_MODULES: Record<string, string> = {
  "cert-manager.io": "@kubernetes-models/cert-manager/cert-manager.io",
  "acme.cert-manager.io": "@kubernetes-models/cert-manager/acme.cert-manager.io",
  "traefik.io": "@kubernetes-models/traefik/traefik.io",
};

const moduleFor = (apiVersion: string): string => {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}`;
  const base = MODEL_MODULES[group ?? ""] ?? `kubernetes-models/${group}`;
  return `${base}/${version}`;
};

const cache = new Map<string, Record<string, unknown> | null>();

const loadModule = async (specifier: string): Promise<Record<string, unknown> | null> => {
  if (!cache.has(specifier)) {
    cache.set(
      specifier,
      await import(specifier).then(
        (module: Record<string, unknown>) => module,
        () => null,
      ),
    );
  }
  return cache.get(specifier) ?? null;
};

export type Validation =
  | { status: "valid" }
  | { status: "invalid"; message: string }
  | { status: "no-model" };

export const validateObject = async (object: { apiVersion: string; kind: string }): Promise<Validation> => {
  // The kind's own module, not its version's index: an index loads every kind of the version.
  const module = await loadModule(`${moduleFor(object.apiVersion)}/${object.kind}`);
  const Model = module?.[object.kind] as ModelClass | undefined;
  if (!Model) {
    const problems = backupObjectProblems(object as Record<string, unknown>);
    if (problems === undefined) return { status: "no-model" };
    return problems.length === 0 ? { status: "valid" } : { status: "invalid", message: problems.join("; ") };
  }
  try {
    new Model(object).validate();
    return { status: "valid" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: "invalid", message };
  }
};
