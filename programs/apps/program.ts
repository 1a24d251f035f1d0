/**
 * The apps layer: every module in programs/apps/apps/ is an app. Adding an app is adding a file.
 * All apps are loaded, validated, rendered and reference-checked before any resource exists; one
 * broken file fails the whole deploy, naming the file (skipping it would delete its app).
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { importApps, planApps } from "../../lib/apps/plan.ts";
import { appHosts } from "../../lib/apps/render.ts";
import { authContract, networkContract, storageContract } from "../../lib/contracts.ts";
import { formatProblem, withProblems } from "../../lib/problem.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

export const APPS_DIR = join(import.meta.dirname, "apps");

export const appsProgramFor = (dir: string) =>
  defineProgram({
    layer: "apps",
    reads: { network: networkContract, storage: storageContract, auth: authContract },
    run: async ({ config, upstream, createPlan }) => {
      const { sources, strays } = await importApps(dir);
      const plan = planApps(sources, upstream, config.appSecrets, strays);
      if (plan.isErr()) {
        const lines = plan.error.map((found) => `  ${formatProblem(found)}`);
        throw withProblems(
          new pulumi.RunError(
            `${plan.error.length} problem(s) in the apps of ${dir}; nothing was changed:\n${lines.join("\n")}`,
          ),
          plan.error,
        );
      }
      // The CloudNativePG Cluster CRD comes with the storage layer's operator chart (another stack).
      createPlan({ releases: [], objects: plan.value.flatMap((planned) => planned.objects) });
      return {
        apps: plan.value.map(({ spec }) => spec.name),
        hosts: plan.value.flatMap(({ spec }) => appHosts(spec, upstream.network)),
      };
    },
  });

export const appsProgram = appsProgramFor(APPS_DIR);
