/**
 * The apps layer as one value, made from the app modules of a folder once they are imported:
 * every app validated, rendered and reference-checked together; one broken file fails the layer,
 * naming the file (skipping it would delete its app).
 */
import type { Result } from "neverthrow";
import { type AppContracts, appHosts } from "../app/render.ts";
import { authContract, networkContract, storageContract } from "../contracts.ts";
import { defineLayer } from "../layer.ts";
import type { Problem } from "../problem.ts";
import { type AppsConfig, appsConfigSchema } from "./config.ts";
import { type AppSource, type PlannedApp, planApps } from "./plan.ts";

export interface LoadedApps {
  sources: readonly AppSource[];
  /** Files in the folder that are not app modules. */
  strays: readonly string[];
}

/** The apps of one folder as the apps layer. Planning runs once per (config, reads). */
export const appsLayer = (loaded: LoadedApps) => {
  let last: { config: AppsConfig; reads: AppContracts; planned: Result<PlannedApp[], Problem[]> } | undefined;
  const planned = (config: AppsConfig, reads: AppContracts): Result<PlannedApp[], Problem[]> => {
    if (last?.config !== config || last.reads !== reads) {
      const result = planApps(loaded.sources, reads, config.appSecrets, loaded.strays);
      last = { config, reads, planned: result };
    }
    return last.planned;
  };
  return defineLayer({
    layer: "apps",
    schema: appsConfigSchema,
    reads: { network: networkContract, storage: storageContract, auth: authContract },
    // The CloudNativePG Cluster CRD comes with the storage layer's operator chart (another stack).
    plan: (config, reads) =>
      planned(config, reads).map((apps) => ({ releases: [], objects: apps.flatMap((app) => app.objects) })),
    exports: (config, reads) => {
      const apps = planned(config, reads).unwrapOr([]);
      return {
        apps: apps.map(({ spec }) => spec.name),
        hosts: apps.flatMap(({ spec }) => appHosts(spec, reads.network)),
      };
    },
    summary: () => [],
  });
};
