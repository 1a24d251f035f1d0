/**
 * The apps layer as one value, made from the app modules of a folder once they are imported:
 * every app validated, rendered and reference-checked together; one broken file fails the layer,
 * naming the file (skipping it would delete its app). Its OIDC client step keeps the apps' clients
 * and groups in Pocket ID (./oidc.ts).
 */
import { err } from "neverthrow";
import { appHosts } from "../../app/render.ts";
import { authContract, networkContract, storageContract } from "../../core/contracts.ts";
import { defineLayer } from "../../core/layer.ts";
import { stepSummary } from "../../oidc/reconcile.ts";
import { appsConfigSchema } from "./config.ts";
import { appsStep, withOidcStep } from "./oidc.ts";
import { type AppSource, planApps } from "./plan.ts";
import { selectApps } from "./select.ts";

export interface LoadedApps {
  sources: readonly AppSource[];
  /** Files in the folder that are not app modules. */
  strays: readonly string[];
}

/** The apps of one folder as the apps layer. */
export const appsLayer = (loaded: LoadedApps) =>
  defineLayer({
    layer: "apps",
    schema: appsConfigSchema,
    reads: { network: networkContract, storage: storageContract, auth: authContract },
    // The CloudNativePG Cluster CRD comes with the storage layer's operator chart (another stack).
    evaluate: (config, reads) => {
      const { selected, skipped, problems } = selectApps(loaded.sources, config.apps);
      const planned = planApps(selected, reads, config.appSecrets, loaded.strays);
      // A name that selects nothing is reported with every problem of the apps it does select.
      if (problems.length > 0) return err([...problems, ...(planned.isErr() ? planned.error : [])]);
      return planned.map((apps) => {
        // An app this stack does not select has no client here either: the step deletes it.
        const step = appsStep(apps, reads);
        return {
          plan: { releases: [], objects: withOidcStep(apps, step) },
          exports: {
            apps: apps.map(({ spec }) => spec.name),
            hosts: apps.flatMap(({ spec }) => appHosts(spec, reads.network)),
          },
          summary: [
            ...(skipped.length > 0 ? [`Not on this stack (not in apps): ${skipped.join(", ")}`] : []),
            ...stepSummary(step),
          ],
          notices: [],
        };
      });
    },
  });
