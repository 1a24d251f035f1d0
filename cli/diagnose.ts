/**
 * After a failed deploy: why workloads are not Ready, as the cluster says it. The provider's own
 * error for a workload that never became Ready names no reason ("Minimum number of live Pods was
 * not attained"); the pods' scheduling conditions, container terminations and FailedCreate events
 * do (lib/k8s/health.ts judges them, as verify:cluster and e2e do). Read-only, with the user's
 * kubeconfig; nothing is printed when there is none or nothing is wrong.
 */
import { err, ok, type Result } from "neverthrow";
import { unreadyWorkloads, type WorkloadObjects } from "../lib/k8s/health.ts";
import { type KubeGet, kubeconfigFiles, kubeReader, readLists } from "./kubeApi.ts";

type Env = Readonly<Record<string, string | undefined>>;
/** An item of a list as the API server returns it; the verdicts read only what they name. */
type Item = { status?: { conditions?: { type: string; status: string }[] } };

const LISTS = {
  deployments: "/apis/apps/v1/deployments",
  statefulSets: "/apis/apps/v1/statefulsets",
  jobs: "/apis/batch/v1/jobs",
  replicaSets: "/apis/apps/v1/replicasets",
  pods: "/api/v1/pods",
  events: "/api/v1/events",
} as const;

/** A completed Job is done, whatever happened to its pods since (they may be cleaned up); a failed one is a reason. */
const completed = (job: Item): boolean =>
  (job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");

/** One line per workload whose pods are not all Ready, with the reason its pods give. */
export const unreadyInCluster = async (get: KubeGet): Promise<Result<string[], string>> => {
  const lists = await readLists(get, LISTS);
  if (lists.isErr()) return err(lists.error.join("; "));
  const items = lists.value as Record<keyof typeof LISTS, Item[]>;
  const kinds = (list: Item[], kind: string) => list.map((item) => ({ ...item, kind }));
  const objects = {
    workloads: [
      ...kinds(items.deployments, "Deployment"),
      ...kinds(items.statefulSets, "StatefulSet"),
      ...kinds(
        items.jobs.filter((job) => !completed(job)),
        "Job",
      ),
    ],
    replicaSets: items.replicaSets,
    pods: items.pods,
    events: items.events,
  };
  // The API server's objects, read only where the verdicts look (lib/k8s/health.ts).
  return ok(unreadyWorkloads(objects as unknown as WorkloadObjects));
};

const MOST = 20;
export const NOT_READY_HEADING = "Not Ready in the cluster now";

/** What to log after a failed deploy: the workloads not Ready and why, or nothing. */
export const explainFailedDeploy = async (
  env: Env,
  log: (line: string) => void,
  reader: (files: readonly string[]) => Promise<Result<KubeGet, string>> = kubeReader,
): Promise<void> => {
  const files = kubeconfigFiles(env);
  if (files === undefined) return;
  const get = await reader(files);
  const lines = get.isErr() ? err(get.error) : await unreadyInCluster(get.value);
  if (lines.isErr())
    return log(`(The cluster could not be read to say which workloads are not Ready: ${lines.error})`);
  if (lines.value.length === 0) return;
  log(`${NOT_READY_HEADING} (kubectl describe pod -n <namespace> <pod> tells more):`);
  for (const line of lines.value.slice(0, MOST)) log(`  ${line}`);
  if (lines.value.length > MOST) log(`  ... and ${lines.value.length - MOST} more`);
};
