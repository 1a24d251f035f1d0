/**
 * One release per CRD: the provider creates rather than upserts, so a CRD that two releases install
 * fails the second with AlreadyExists. And every custom resource needs a release that installs its
 * CRD, in place by the time the resource is created.
 */
import type { CrdSource } from "../charts/chartFacts.ts";
import { apiGroupOf, valueAt } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { type Deploy, describe, placeOf, type ReleaseStep } from "./model.ts";

/** API groups Kubernetes serves itself: no chart installs them. */
const BUILT_IN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "certificates.k8s.io",
  "node.k8s.io",
]);

/** The CRD groups a release installs, given how its chart ships them and its values. */
const installedCrdGroups = (step: ReleaseStep): readonly string[] => {
  const crds: CrdSource | undefined = step.release.chart.facts.crds;
  if (!crds) return [];
  if (crds.from === "crds/") return step.release.skipCrds ? [] : crds.groups;
  if (!crds.switch) return crds.groups;
  const on = valueAt(step.release.values, crds.switch.path) ?? crds.switch.default;
  return on === true ? crds.groups : [];
};

const fixFor = (step: ReleaseStep): string => {
  const crds = step.release.chart.facts.crds;
  return crds?.from === "templates" && crds.switch
    ? `set ${crds.switch.path}: false in all but one release of ${step.release.chart.chart}`
    : `set skipCrds: true on all but one release of ${step.release.chart.chart} (skipCrds does nothing for CRDs a chart renders from templates)`;
};

export const crdRules = (deploy: Deploy): Problem[] => {
  const owners = new Map<string, ReleaseStep>();
  const problems: Problem[] = [];
  for (const step of deploy.releases) {
    const groups = installedCrdGroups(step);
    const taken = groups.filter((group) => owners.has(group));
    const owner = taken[0] === undefined ? undefined : owners.get(taken[0]);
    for (const group of groups) if (!owners.has(group)) owners.set(group, step);
    if (owner)
      problems.push({
        where: placeOf(step),
        what: `installs the ${taken.join(", ")} CRDs, which ${owner.item.id} (${owner.layer}) installs already: the provider fails with AlreadyExists`,
        fix: fixFor(step),
      });
  }
  for (const step of deploy.objects) {
    const group = apiGroupOf(step.object);
    if (BUILT_IN_GROUPS.has(group)) continue;
    const owner = owners.get(group);
    if (!owner)
      problems.push({
        where: placeOf(step),
        what: `${describe(step.object)} is a ${group} resource, and no release installs its CRD`,
        fix: "install the chart that ships it, or drop skipCrds / the CRD switch from its release",
      });
    else if (!deploy.inPlaceFor(owner, step))
      problems.push({
        where: placeOf(step),
        what: `${describe(step.object)} can be created before ${owner.item.id} installs its CRD`,
        fix: `list ${owner.item.id} (or what waits for it) in its after`,
      });
  }
  return problems;
};
