/**
 * Why workloads are not Ready, from what the cluster shows: a Deployment's, StatefulSet's or Job's
 * pods refused at creation (FailedCreate events, e.g. Pod Security), not scheduled (their
 * PodScheduled condition: taints, resources, unbound claims) or not Ready (a container's
 * termination, the Ready condition). Pure: the deploy wrapper (cli/diagnose.ts) reads the objects
 * from the user's cluster after a failed deploy, verify:cluster and e2e from their own.
 */

export interface Owned {
  metadata?: { uid?: string; name?: string; namespace?: string; ownerReferences?: { uid: string }[] };
}

export interface PodLike extends Owned {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: { terminated?: { reason?: string; message?: string } } }[];
  };
}

/** A Job's pod: Succeeded; any other: Running and Ready. */
const podReady =
  (kind: string) =>
  (pod: PodLike): boolean =>
    kind === "Job"
      ? pod.status?.phase === "Succeeded"
      : pod.status?.phase === "Running" &&
        (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

/** Why a scheduled pod is not Ready: a terminated container's reason and message, or its Ready condition's. */
const notReadyReason = (pod: PodLike): string | undefined => {
  const terminated = pod.status?.containerStatuses?.find((s) => s.state?.terminated)?.state?.terminated;
  if (terminated)
    return `${terminated.reason ?? "terminated"}${terminated.message ? `: ${terminated.message}` : ""}`;
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status !== "True");
  return ready ? `${ready.reason ?? "not Ready"}${ready.message ? `: ${ready.message}` : ""}` : undefined;
};

export interface EventLike {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  lastTimestamp?: Date | string;
}

const eventTime = (event: EventLike): number => new Date(event.lastTimestamp ?? 0).getTime();

/** What the verdicts read: the workloads (with their kind) and what their controllers made. */
export interface WorkloadObjects {
  workloads: (Owned & { kind: string; spec?: { replicas?: number; parallelism?: number } })[];
  replicaSets: Owned[];
  pods: PodLike[];
  events: EventLike[];
}

export interface WorkloadState {
  name: string;
  desired: number;
  created: number;
  scheduled: number;
  /** Pods Ready (a Job's: Succeeded), as kwok reports them for the kubelets. */
  ready: number;
  /** Why a scheduled pod is not Ready: its Ready condition's or a failed container's message. */
  readyError?: string;
  /** Why pods were not created (Pod Security and other admission), from FailedCreate. */
  createError?: string;
  /** Why a pod was not scheduled (taints, unbound claims), from its PodScheduled condition. */
  scheduleError?: string;
}

const ownedBy = (item: Owned, uids: ReadonlySet<string>): boolean =>
  (item.metadata?.ownerReferences ?? []).some((owner) => uids.has(owner.uid));

/** Where a Deployment's or StatefulSet's pods got to, and the message that stopped them. */
export const workloadState = (
  workload: { kind: string; namespace: string; name: string; uid: string; desired: number },
  snapshot: WorkloadObjects,
): WorkloadState => {
  // A Deployment creates pods through ReplicaSets; a StatefulSet creates them itself.
  const replicaSets = snapshot.replicaSets.filter((set) => ownedBy(set, new Set([workload.uid])));
  const creators = new Set([workload.uid, ...replicaSets.map((set) => set.metadata?.uid ?? "")]);
  const creatorNames = new Set([workload.name, ...replicaSets.map((set) => set.metadata?.name ?? "")]);
  const pods = snapshot.pods.filter((pod) => ownedBy(pod, creators));
  const failedCreate = snapshot.events
    .filter(
      (event) =>
        event.reason === "FailedCreate" &&
        event.involvedObject.namespace === workload.namespace &&
        creatorNames.has(event.involvedObject.name ?? ""),
    )
    .sort((a, b) => eventTime(a) - eventTime(b));
  const unschedulable = pods
    .flatMap((pod) => pod.status?.conditions ?? [])
    .find((condition) => condition.type === "PodScheduled" && condition.status === "False");
  const scheduled = pods.filter((pod) => pod.spec?.nodeName);
  return {
    name: `${workload.kind} ${workload.namespace}/${workload.name}`,
    desired: workload.desired,
    created: pods.length,
    scheduled: scheduled.length,
    ready: pods.filter(podReady(workload.kind)).length,
    readyError: scheduled
      .filter((pod) => !podReady(workload.kind)(pod))
      .map(notReadyReason)
      .find(Boolean),
    createError: failedCreate.at(-1)?.message,
    scheduleError: unschedulable?.message,
  };
};

/**
 * Every Deployment, StatefulSet and Job of the snapshot whose pods are not all Ready (a Job's: not
 * Succeeded), each with the reason its pods give: refused at creation, not scheduled, not Ready.
 */
export const unreadyWorkloads = (snapshot: WorkloadObjects): string[] =>
  snapshot.workloads.flatMap((live) => {
    const { namespace = "default", name = "", uid = "" } = live.metadata ?? {};
    const desired = live.spec?.replicas ?? live.spec?.parallelism ?? 1;
    const state = workloadState({ kind: live.kind, namespace, name, uid, desired }, snapshot);
    if (state.ready >= state.desired) return [];
    const why = state.createError ?? state.scheduleError ?? state.readyError ?? "no pod Ready yet";
    return [`${state.name}: ${state.ready}/${state.desired} pods Ready: ${why}`];
  });
