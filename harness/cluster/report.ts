/**
 * What verify:cluster found, per layer, and the problems that make it fail, each with the API
 * server's or controller's own message. Pure: the state comes in as plain snapshots.
 */
import type { WorkloadState } from "../../lib/k8s/health.ts";

export interface ApplyResult {
  object: string;
  /** The API server's message when it refused the object. */
  error?: string;
  /** Warnings the server sent back, e.g. Pod Security's `restricted` level (warn, not enforced). */
  warnings?: string[];
}

type ClaimKind = "static" | "simulated" | "unprovisioned";

export interface ClaimState {
  name: string;
  kind: ClaimKind;
  bound: boolean;
  /** It may still bind: its volume exists, or a provisioner (simulated) or default class will serve it. */
  waiting: boolean;
  /** The volume or class involved, for the report. */
  detail: string;
}

export interface LayerReport {
  layer: string;
  applied: ApplyResult[];
  workloads: WorkloadState[];
  claims: ClaimState[];
}

export const workloadSettled = (workload: WorkloadState): boolean =>
  workload.ready >= workload.desired ||
  (workload.created < workload.desired && workload.createError !== undefined) ||
  // A pod waiting for its claim to bind is retried; any other reason (a taint) stays until something changes.
  (workload.scheduleError !== undefined && !/unbound|PersistentVolumeClaim/i.test(workload.scheduleError));

/** Every problem of one layer, each naming its object and the server's message. */
export const layerProblems = (report: LayerReport): string[] => [
  ...report.applied
    .filter((result) => result.error !== undefined)
    .map((result) => `${report.layer}: ${result.object} was rejected: ${result.error}`),
  ...report.workloads.flatMap((workload) => [
    ...(workload.created < workload.desired
      ? [
          `${report.layer}: ${workload.name}: ${workload.created}/${workload.desired} pods created: ${workload.createError ?? "no pod was created in time"}`,
        ]
      : []),
    ...(workload.created > 0 && workload.scheduled < workload.created
      ? [
          `${report.layer}: ${workload.name}: ${workload.scheduled}/${workload.created} pods scheduled: ${workload.scheduleError ?? "not scheduled in time"}`,
        ]
      : []),
    ...(workload.scheduled > 0 &&
    workload.scheduled >= workload.created &&
    workload.ready < workload.scheduled
      ? [
          `${report.layer}: ${workload.name}: ${workload.ready}/${workload.scheduled} pods Ready: ${workload.readyError ?? "not Ready in time"}`,
        ]
      : []),
  ]),
  ...report.claims
    .filter((claim) => !claim.bound)
    .map((claim) =>
      claim.kind === "unprovisioned"
        ? `${report.layer}: claim ${claim.name} stays pending: ${claim.detail}`
        : `${report.layer}: claim ${claim.name} did not bind to ${claim.detail}`,
    ),
];

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

const claimLine = (claim: ClaimState): string => {
  const state = claim.bound ? "bound" : "NOT bound";
  if (claim.kind === "static") return `claim ${claim.name}: ${state} to its volume ${claim.detail}`;
  if (claim.kind === "simulated")
    return `claim ${claim.name}: ${state}, volume simulated for class ${claim.detail}`;
  return `claim ${claim.name}: NOT bound: ${claim.detail}`;
};

export const formatLayer = (report: LayerReport): string[] => {
  const rejected = report.applied.filter((result) => result.error !== undefined).length;
  return [
    `${report.layer}: ${plural(report.applied.length, "object")}, ${report.applied.length - rejected} accepted, ${rejected} rejected`,
    ...report.workloads.map(
      (workload) =>
        `  ${workload.name}: ${workload.created}/${workload.desired} pods created, ${workload.scheduled}/${workload.desired} scheduled, ${workload.ready}/${workload.desired} Ready`,
    ),
    ...report.claims.map((claim) => `  ${claimLine(claim)}`),
  ];
};

/** The whole report; the problems last, so a failing run ends with what to fix. */
export const formatReport = (
  reports: readonly LayerReport[],
  others: readonly string[] = [],
): { text: string; problems: string[] } => {
  const problems = [...others, ...reports.flatMap(layerProblems)];
  const warnings = reports.flatMap((report) =>
    report.applied.flatMap((result) =>
      (result.warnings ?? []).map((warning) => `  ${result.object}: ${warning}`),
    ),
  );
  const lines = [
    ...reports.flatMap(formatLayer),
    ...(warnings.length > 0
      ? ["", "Warnings from the API server (reported, not enforced):", ...warnings]
      : []),
    "",
    problems.length === 0
      ? "No problems: every object was accepted, every pod created, scheduled and Ready, every claim bound."
      : `${plural(problems.length, "problem")}:`,
    ...problems.map((problem) => `  - ${problem}`),
  ];
  return { text: lines.join("\n"), problems };
};
