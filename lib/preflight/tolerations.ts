/**
 * Every pod must tolerate the control-plane taint: on a control-plane-only Talos cluster that keeps
 * it, a pod without the toleration stays Pending and its Deployment's await times out. Pods come
 * from our pod templates, from operators (CloudNativePG places its pods by `spec.affinity`) and
 * from charts (their values, read through the chart's facts).
 */
import type { Toleration, TolerationSource } from "../charts/chartFacts.ts";
import { type KubeObject, valueAt } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { CONTROL_PLANE_TOLERATION } from "../k8s/talos.ts";
import { type Deploy, describe, placeOf } from "./model.ts";

export const toleratesControlPlane = (tolerations: unknown): boolean =>
  Array.isArray(tolerations) &&
  (tolerations as Toleration[]).some(
    (toleration) =>
      (toleration.effect === undefined ||
        toleration.effect === "" ||
        toleration.effect === CONTROL_PLANE_TOLERATION.effect) &&
      (toleration.operator === "Exists"
        ? toleration.key === undefined ||
          toleration.key === "" ||
          toleration.key === CONTROL_PLANE_TOLERATION.key
        : toleration.key === CONTROL_PLANE_TOLERATION.key && (toleration.value ?? "") === ""),
  );

/** Where an object keeps the tolerations of the pods it makes, by kind. */
const TOLERATIONS_PATH: Readonly<Record<string, string>> = {
  Pod: "spec.tolerations",
  Deployment: "spec.template.spec.tolerations",
  StatefulSet: "spec.template.spec.tolerations",
  DaemonSet: "spec.template.spec.tolerations",
  ReplicaSet: "spec.template.spec.tolerations",
  Job: "spec.template.spec.tolerations",
  CronJob: "spec.jobTemplate.spec.template.spec.tolerations",
  // CloudNativePG puts instance and job pods only where this allows.
  "postgresql.cnpg.io/Cluster": "spec.affinity.tolerations",
};

const tolerationsPath = (object: KubeObject): string | undefined =>
  TOLERATIONS_PATH[
    object.apiVersion.startsWith("postgresql.cnpg.io/") ? `postgresql.cnpg.io/${object.kind}` : object.kind
  ];

/** Longhorn's `taintToleration` setting: `key[=value]:effect` entries separated by `;`. */
const settingTolerates = (setting: unknown): boolean =>
  typeof setting === "string" &&
  setting.split(";").some((entry) => {
    const [keyValue = "", effect = ""] = entry.trim().split(":");
    const [key, value = ""] = keyValue.split("=");
    return toleratesControlPlane([{ key, operator: value === "" ? "Exists" : "Equal", value, effect }]);
  });

const chartTolerates = (source: TolerationSource, values: Record<string, unknown>): boolean => {
  if ("list" in source) return toleratesControlPlane(valueAt(values, source.list) ?? source.default);
  if ("flag" in source) return (valueAt(values, source.flag) ?? source.default) === true;
  return settingTolerates(valueAt(values, source.setting));
};

const sourceKey = (source: TolerationSource): string =>
  "list" in source ? source.list : "flag" in source ? source.flag : source.setting;

export const tolerationRules = (deploy: Deploy): Problem[] => [
  ...deploy.objects.flatMap((step) => {
    const path = tolerationsPath(step.object);
    if (path === undefined || toleratesControlPlane(valueAt(step.object, path))) return [];
    return [
      {
        where: placeOf(step),
        what: `${describe(step.object)} has pods without the control-plane toleration: they stay Pending on control-plane-only nodes`,
        fix: `add CONTROL_PLANE_TOLERATION (lib/k8s/talos.ts) to ${path}`,
      },
    ];
  }),
  ...deploy.releases.flatMap((step) =>
    step.release.chart.facts.tolerations
      .filter((source) => !chartTolerates(source, step.release.values))
      .map((source) => ({
        where: placeOf(step),
        what: `the ${source.pods} pods of ${step.release.chart.chart} do not tolerate the control-plane taint`,
        fix: `set ${sourceKey(source)} in its values to tolerate ${CONTROL_PLANE_TOLERATION.key}:${CONTROL_PLANE_TOLERATION.effect}`,
      })),
  ),
];
