/**
 * Database restores (lib/k8s/cnpgRestores.ts) over the whole deploy: a recovery Cluster must come
 * beside the live database it copies, which the deploy keeps, and name a backup of that database.
 */
import { valueAt } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { restoreProblems } from "../k8s/cnpgRestores.ts";
import { type Deploy, type ObjectStep, placeOf } from "./model.ts";

const isCluster = (step: ObjectStep): boolean =>
  step.object.kind === "Cluster" && step.object.apiVersion.startsWith("postgresql.cnpg.io/");

export const restoreRules = (deploy: Deploy): Problem[] => {
  const clusters = deploy.objects.filter(isCluster);
  const stepOf = new Map(
    clusters.map((step) => [`${step.object.metadata.namespace ?? ""}/${step.object.metadata.name}`, step]),
  );
  return restoreProblems(
    clusters.map((step) => ({
      namespace: step.object.metadata.namespace ?? "",
      name: step.object.metadata.name,
      bootstrap: valueAt(step.object, "spec.bootstrap"),
    })),
  ).flatMap((found) => {
    const step = stepOf.get(found.cluster);
    return step ? [{ where: placeOf(step), what: found.what, fix: found.fix }] : [];
  });
};
