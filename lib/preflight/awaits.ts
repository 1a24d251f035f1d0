/**
 * Nothing awaited may depend on what only comes later. The provider waits for a claim until it is
 * Bound, a LoadBalancer Service until it has an address, an Ingress until its controller reports
 * one and a workload until its pods are ready; a wait that cannot end fails the deploy after its
 * timeout, and nothing that depends on it is created.
 */

import { type KubeObject, valueAt } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { DEFAULT_STORAGE_CLASS, METALLB_POOL } from "../k8s/annotations.ts";
import { type Deploy, describe, type ObjectStep, placeOf, type Step, skipsAwait } from "./model.ts";

interface Provider {
  step: Step;
  name: string;
  isDefault: boolean;
}

/** StorageClasses: our own objects and the ones charts create. */
const storageClasses = (deploy: Deploy): Provider[] => [
  ...deploy.objects
    .filter((step) => step.object.kind === "StorageClass")
    .map((step) => ({
      step,
      name: step.object.metadata.name,
      isDefault: step.object.metadata.annotations?.[DEFAULT_STORAGE_CLASS] === "true",
    })),
  ...deploy.releases.flatMap((step) =>
    (step.release.chart.facts.storageClasses ?? []).map((facts) => ({
      step,
      name: facts.name,
      isDefault:
        facts.defaultSwitch !== undefined &&
        (valueAt(step.release.values, facts.defaultSwitch.path) ?? facts.defaultSwitch.default) === true,
    })),
  ),
];

const spec = (object: KubeObject): Record<string, unknown> =>
  (valueAt(object, "spec") ?? {}) as Record<string, unknown>;

/** Why a claim cannot bind when `at` is created, or undefined when it can. */
const unbindable = (deploy: Deploy, claim: ObjectStep, at: Step): string | undefined => {
  const className = spec(claim.object).storageClassName as string | undefined;
  if (className === "") {
    const volume = deploy.objects.find(
      (step) =>
        step.object.kind === "PersistentVolume" &&
        valueAt(step.object, "spec.claimRef.name") === claim.object.metadata.name &&
        valueAt(step.object, "spec.claimRef.namespace") === claim.object.metadata.namespace,
    );
    return volume && deploy.inPlaceFor(volume, at) ? undefined : "no static PersistentVolume claims it first";
  }
  const candidates = storageClasses(deploy).filter((provider) =>
    className === undefined ? provider.isDefault : provider.name === className,
  );
  if (candidates.some((provider) => deploy.inPlaceFor(provider.step, at))) return undefined;
  const wanted = className === undefined ? "the default StorageClass" : `StorageClass ${className}`;
  const later = candidates[0];
  return later
    ? `${wanted} comes from ${later.step.item.id} in the ${later.step.layer} layer, later`
    : `nothing creates ${wanted}`;
};

const claimNames = (object: KubeObject): string[] => {
  const volumes = (valueAt(object, "spec.template.spec.volumes") ?? []) as {
    persistentVolumeClaim?: { claimName?: string };
  }[];
  return volumes.flatMap((volume) => volume.persistentVolumeClaim?.claimName ?? []);
};

const problem = (step: ObjectStep, what: string, fix: string): Problem => ({
  where: placeOf(step),
  what: `${describe(step.object)} ${what}`,
  fix,
});

const claimRule = (deploy: Deploy, step: ObjectStep): Problem[] => {
  const why = unbindable(deploy, step, step);
  return why === undefined
    ? []
    : [
        problem(
          step,
          `is awaited until Bound, but ${why}`,
          "create its class in an earlier layer (or first in this one), or use a class that exists",
        ),
      ];
};

const workloadRule = (deploy: Deploy, step: ObjectStep): Problem[] =>
  claimNames(step.object).flatMap((name) => {
    const claim = deploy.objects.find(
      (other) =>
        other.object.kind === "PersistentVolumeClaim" &&
        other.object.metadata.name === name &&
        other.object.metadata.namespace === step.object.metadata.namespace,
    );
    if (!claim || !deploy.inPlaceFor(claim, step))
      return [
        problem(
          step,
          `mounts claim ${name}, which is not created before it`,
          `plan the claim and list it in the workload's after`,
        ),
      ];
    const why = unbindable(deploy, claim, step);
    return why === undefined
      ? []
      : [
          problem(
            step,
            `waits for ready pods, but its claim ${name} cannot bind: ${why}`,
            "give the claim a class that exists when this layer deploys",
          ),
        ];
  });

const loadBalancerRule = (deploy: Deploy, step: ObjectStep): Problem[] => {
  const poolName = step.object.metadata.annotations?.[METALLB_POOL];
  const pools = deploy.objects.filter(
    (other) =>
      other.object.kind === "IPAddressPool" &&
      (poolName === undefined
        ? valueAt(other.object, "spec.autoAssign") !== false
        : other.object.metadata.name === poolName),
  );
  if (pools.some((pool) => deploy.inPlaceFor(pool, step))) return [];
  return [
    problem(
      step,
      `is awaited until it has an address, but ${poolName === undefined ? "no auto-assigning MetalLB pool" : `MetalLB pool ${poolName}`} exists before it`,
      "list the pool's id in the Service's after",
    ),
  ];
};

const ingressRule = (deploy: Deploy, step: ObjectStep): Problem[] => {
  const className = spec(step.object).ingressClassName as string | undefined;
  const served = deploy.objects.some(
    (other) =>
      other.object.kind === "IngressClass" &&
      other.object.metadata.name === className &&
      deploy.inPlaceFor(other, step),
  );
  return served
    ? []
    : [
        problem(
          step,
          `is awaited until its controller reports an address, but IngressClass ${className ?? "(none)"} does not exist before it`,
          "use an ingress class of the network layer",
        ),
      ];
};

const RULES: Readonly<Record<string, (deploy: Deploy, step: ObjectStep) => Problem[]>> = {
  PersistentVolumeClaim: claimRule,
  Deployment: workloadRule,
  StatefulSet: workloadRule,
  Ingress: ingressRule,
};

export const awaitRules = (deploy: Deploy): Problem[] =>
  deploy.objects.flatMap((step) => {
    if (skipsAwait(step.object)) return [];
    if (step.object.kind === "Service")
      return spec(step.object).type === "LoadBalancer" ? loadBalancerRule(deploy, step) : [];
    return RULES[step.object.kind]?.(deploy, step) ?? [];
  });
