/**
 * The e2e step that restores a database as code: Miniflux's app file gets
 * `withPostgres({ restore: { from } })` as a user would write it, `bun run deploy:apps` runs, and
 * the API server then holds the recovery Cluster beside the live one (kept as it was), the restored
 * cluster's ScheduledBackup, and the app reading the restored database's secret. No operator runs
 * here: the restore itself (CloudNativePG recovering from a Longhorn backup) is not exercised.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeReader } from "../cli/kubeApi.ts";
import { type E2eContext, runWrapped } from "./e2eChecks.ts";
import { StepFailure } from "./e2eSteps.ts";

export const RESTORE = {
  file: "programs/apps/apps/miniflux.ts",
  namespace: "miniflux",
  live: "miniflux-db",
  from: "miniflux-db-20261207163000",
  restored: "miniflux-db-r20261207163000",
} as const;

interface ClusterItem {
  metadata: { name: string };
  spec: { bootstrap?: { initdb?: unknown; recovery?: { backup?: { name?: string } } } };
}

/** What is wrong with the deployed result, or nothing. */
const restoreProblems = (
  clusters: readonly ClusterItem[],
  scheduled: readonly string[],
  secret?: string,
): string[] => {
  const live = clusters.find((cluster) => cluster.metadata.name === RESTORE.live);
  const copy = clusters.find((cluster) => cluster.metadata.name === RESTORE.restored);
  return [
    ...(live?.spec.bootstrap?.initdb ? [] : [`the live cluster ${RESTORE.live} is gone or no longer initdb`]),
    ...(copy?.spec.bootstrap?.recovery?.backup?.name === RESTORE.from
      ? []
      : [`no cluster ${RESTORE.restored} bootstrapped from backup ${RESTORE.from}`]),
    ...(scheduled.includes(RESTORE.restored) ? [] : [`no ScheduledBackup ${RESTORE.restored}`]),
    ...(secret === `${RESTORE.restored}-app`
      ? []
      : [`the app reads ${secret ?? "no secret"}, not ${RESTORE.restored}-app`]),
  ];
};

export const restoreDatabase = async (context: E2eContext): Promise<void> => {
  const path = join(context.work, RESTORE.file);
  const text = readFileSync(path, "utf8");
  const edited = text.replace(/withPostgres\(\{/, `withPostgres({ restore: { from: "${RESTORE.from}" }, `);
  if (edited === text)
    throw new StepFailure(`${RESTORE.file} has no withPostgres({ ... }) to add a restore to`);
  writeFileSync(path, edited);
  await runWrapped(context, "up", "apps", "--", "--yes", "--non-interactive");
  const get = await kubeReader([context.env.KUBECONFIG ?? ""]);
  if (get.isErr()) throw new StepFailure(get.error);
  const base = `/apis/postgresql.cnpg.io/v1/namespaces/${RESTORE.namespace}`;
  const [clusters, scheduled] = await Promise.all([
    get.value(`${base}/clusters`),
    get.value(`${base}/scheduledbackups`),
  ]);
  if (clusters.isErr() || scheduled.isErr())
    throw new StepFailure(
      `the clusters could not be read: ${[clusters, scheduled].flatMap((r) => (r.isErr() ? [r.error] : [])).join("; ")}`,
    );
  const deployment = await context.clients.apps.readNamespacedDeployment({
    name: "miniflux",
    namespace: RESTORE.namespace,
  });
  const env = deployment.spec?.template.spec?.containers[0]?.env ?? [];
  const secret = env.find((variable) => variable.name === "DATABASE_URL")?.valueFrom?.secretKeyRef?.name;
  const names = (list: unknown) =>
    ((list as { items?: { metadata: { name: string } }[] }).items ?? []).map((item) => item.metadata.name);
  const problems = restoreProblems(
    (clusters.value as { items?: ClusterItem[] }).items ?? [],
    names(scheduled.value),
    secret,
  );
  if (problems.length > 0) throw new StepFailure(problems.join("; "));
  context.log.io.out(
    `  Cluster ${RESTORE.namespace}/${RESTORE.restored} (recovery from ${RESTORE.from}) beside ${RESTORE.live} (kept); its ScheduledBackup; miniflux reads ${secret}`,
  );
};
