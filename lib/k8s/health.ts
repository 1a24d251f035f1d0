/**
 * Why workloads are not Ready, from what the cluster shows: a Deployment's, StatefulSet's or Job's
 * pods refused at creation (FailedCreate events, e.g. Pod Security), not scheduled (their
 * PodScheduled condition: taints, resources, unbound claims) or not Ready (a container's
 * termination or wait, e.g. CrashLoopBackOff, the Ready condition). A Deployment is judged by the
 * pods of its current ReplicaSet only, so a rolling update whose new pods fail is reported while
 * the old pods still serve. Pure: the deploy wrapper (cli/diagnose.ts) reads the objects from the
 * user's cluster after a failed deploy, verify:cluster and e2e from their own.
 */

export interface Owned {
  metadata?: {
    uid?: string;
    name?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { uid: string }[];
  };
}

/**
 * A container's state or last termination (`state`, `lastState`): k8s.io/api v0.35.4
 * core/v1/types.go ContainerStatus, ContainerStateWaiting, ContainerStateTerminated.
 */
interface ContainerState {
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
}

export interface PodLike extends Owned {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { state?: ContainerState; lastState?: ContainerState }[];
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

/** "reason (exit code n): message", as a condition or container state gives them. */
const said = (fallback: string, what: { reason?: string; message?: string; exitCode?: number }): string =>
  `${what.reason ?? fallback}${what.exitCode === undefined ? "" : ` (exit code ${what.exitCode})`}` +
  (what.message ? `: ${what.message}` : "");

/**
 * A container's own account: terminated, or waiting (CrashLoopBackOff, ImagePullBackOff), with its
 * last termination, which is where a crash-looping container keeps why it exited.
 */
const containerReason = (status: { state?: ContainerState; lastState?: ContainerState }): string => {
  const { terminated, waiting } = status.state ?? {};
  const now = terminated ? said("terminated", terminated) : said("waiting", waiting ?? {});
  const last = status.lastState?.terminated;
  return last ? `${now} (last terminated: ${said("terminated", last)})` : now;
};

/** Why a scheduled pod is not Ready: a terminated, else a waiting container's account, or its Ready condition's. */
const notReadyReason = (pod: PodLike): string | undefined => {
  const statuses = pod.status?.containerStatuses ?? [];
  const container = statuses.find((s) => s.state?.terminated) ?? statuses.find((s) => s.state?.waiting);
  if (container) return containerReason(container);
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status !== "True");
  return ready ? said("not Ready", ready) : undefined;
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

/**
 * The deployment controller numbers each ReplicaSet of a Deployment with this annotation and copies
 * the new ReplicaSet's (the one with the Deployment's pod template) onto the Deployment, so equal
 * values name the ReplicaSet being rolled out: kubernetes v1.35.4
 * pkg/controller/deployment/util/deployment_util.go (RevisionAnnotation, FindNewReplicaSet,
 * SetNewReplicaSetAnnotations), pkg/controller/deployment/sync.go (getNewReplicaSet, which calls
 * SetDeploymentRevision with the new ReplicaSet's revision).
 */
const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

/** What a workload is judged by: its identity, how many pods it wants, a Deployment's revision. */
export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  desired: number;
  /** A Deployment's current revision; absent before the controller set it. */
  revision?: string;
}

/** A live workload as the verdicts read it. */
export const workloadOf = (live: WorkloadObjects["workloads"][number]): Workload => {
  const { namespace = "default", name = "", uid = "", annotations = {} } = live.metadata ?? {};
  const desired = live.spec?.replicas ?? live.spec?.parallelism ?? 1;
  const revision = live.kind === "Deployment" ? annotations[REVISION_ANNOTATION] : undefined;
  return { kind: live.kind, namespace, name, uid, desired, ...(revision === undefined ? {} : { revision }) };
};

/**
 * The ReplicaSets whose pods count: the current revision's, as the old ones' pods still run through
 * a rolling update; all of them when no ReplicaSet carries the Deployment's revision (not set yet).
 */
const currentReplicaSets = (owned: Owned[], revision: string | undefined): Owned[] => {
  const current = owned.filter((set) => set.metadata?.annotations?.[REVISION_ANNOTATION] === revision);
  return revision !== undefined && current.length > 0 ? current : owned;
};

/** Where a Deployment's or StatefulSet's pods got to, and the message that stopped them. */
export const workloadState = (workload: Workload, snapshot: WorkloadObjects): WorkloadState => {
  // A Deployment creates pods through ReplicaSets; a StatefulSet creates them itself.
  const replicaSets = currentReplicaSets(
    snapshot.replicaSets.filter((set) => ownedBy(set, new Set([workload.uid]))),
    workload.revision,
  );
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
    const state = workloadState(workloadOf(live), snapshot);
    if (state.ready >= state.desired) return [];
    const why = state.createError ?? state.scheduleError ?? state.readyError ?? "no pod Ready yet";
    return [`${state.name}: ${state.ready}/${state.desired} pods Ready: ${why}`];
  });
