import { describe, expect, test } from "bun:test";
import {
  type PodLike,
  unreadyWorkloads,
  type WorkloadObjects,
  workloadOf,
  workloadState,
} from "../../../lib/k8s/health.ts";

const REVISION = "deployment.kubernetes.io/revision";

const deployment = (revision?: string, replicas = 1) => ({
  kind: "Deployment",
  metadata: {
    uid: "d1",
    name: "web",
    namespace: "demo",
    ...(revision ? { annotations: { [REVISION]: revision } } : {}),
  },
  spec: { replicas },
});

const replicaSet = (uid: string, revision?: string) => ({
  metadata: {
    uid,
    name: `web-${uid}`,
    namespace: "demo",
    ownerReferences: [{ uid: "d1" }],
    ...(revision ? { annotations: { [REVISION]: revision } } : {}),
  },
});

const readyPod = (owner: string): PodLike => ({
  metadata: { ownerReferences: [{ uid: owner }] },
  spec: { nodeName: "n1" },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
});

const crashLooping = (owner: string): PodLike => ({
  metadata: { ownerReferences: [{ uid: owner }] },
  spec: { nodeName: "n1" },
  status: {
    phase: "Running",
    conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady", message: "app" }],
    containerStatuses: [
      {
        state: {
          waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container" },
        },
        lastState: { terminated: { reason: "Error", exitCode: 1, message: "missing DATABASE_URL" } },
      },
    ],
  },
});

const CRASH_LOOP =
  "CrashLoopBackOff: back-off 10s restarting failed container " +
  "(last terminated: Error (exit code 1): missing DATABASE_URL)";

const objects = (parts: Partial<WorkloadObjects>): WorkloadObjects => ({
  workloads: [],
  replicaSets: [],
  pods: [],
  events: [],
  ...parts,
});

describe("a Deployment in a rolling update", () => {
  const rollout = (newPod: PodLike, oldReplicas = 1) =>
    objects({
      workloads: [deployment("2")],
      replicaSets: [replicaSet("rs1", "1"), replicaSet("rs2", "2")],
      pods: [...Array.from({ length: oldReplicas }, () => readyPod("rs1")), newPod],
    });

  test("whose new pod crash-loops while the old one serves is reported with the new pod's reason", () => {
    expect(unreadyWorkloads(rollout(crashLooping("rs2")))).toEqual([
      `Deployment demo/web: 0/1 pods Ready: ${CRASH_LOOP}`,
    ]);
  });

  test("whose new pod's container terminated is reported with its termination", () => {
    const terminated: PodLike = {
      ...readyPod("rs2"),
      status: {
        phase: "Running",
        containerStatuses: [{ state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }],
      },
    };
    expect(unreadyWorkloads(rollout(terminated))).toEqual([
      "Deployment demo/web: 0/1 pods Ready: OOMKilled (exit code 137)",
    ]);
  });

  test("that finished (old ReplicaSet scaled to 0, new pod Ready) is not reported", () => {
    expect(unreadyWorkloads(rollout(readyPod("rs2"), 0))).toEqual([]);
  });

  test("counts only the current ReplicaSet's pods and its FailedCreate events", () => {
    const snapshot = {
      ...rollout(crashLooping("rs2")),
      events: [
        { involvedObject: { namespace: "demo", name: "web-rs1" }, reason: "FailedCreate", message: "old" },
      ],
    };
    const state = workloadState(workloadOf(deployment("2")), snapshot);
    expect(state).toMatchObject({ created: 1, ready: 0, readyError: CRASH_LOOP });
    expect(state.createError).toBeUndefined();
  });
});

describe("without the revision annotations", () => {
  test("a Deployment's pods of every ReplicaSet count, as before the controller sets them", () => {
    const snapshot = objects({
      workloads: [deployment()],
      replicaSets: [replicaSet("rs1"), replicaSet("rs2")],
      pods: [readyPod("rs1"), crashLooping("rs2")],
    });
    expect(unreadyWorkloads(snapshot)).toEqual([]);
    expect(workloadState(workloadOf(deployment()), snapshot)).toMatchObject({ created: 2, ready: 1 });
  });

  test("so does a Deployment revision that no ReplicaSet carries yet", () => {
    const snapshot = objects({
      workloads: [deployment("3", 2)],
      replicaSets: [replicaSet("rs1", "1"), replicaSet("rs2", "2")],
      pods: [readyPod("rs1"), crashLooping("rs2")],
    });
    expect(unreadyWorkloads(snapshot)).toEqual([`Deployment demo/web: 1/2 pods Ready: ${CRASH_LOOP}`]);
  });

  test("only a Deployment's revision is read", () => {
    const statefulSet = { ...deployment("2"), kind: "StatefulSet" };
    expect(workloadOf(statefulSet).revision).toBeUndefined();
    expect(workloadOf(deployment("2"))).toEqual({
      kind: "Deployment",
      namespace: "demo",
      name: "web",
      uid: "d1",
      desired: 1,
      revision: "2",
    });
  });
});

describe("why a scheduled pod is not Ready", () => {
  const reason = (pod: PodLike) =>
    workloadState(
      workloadOf(deployment()),
      objects({ replicaSets: [replicaSet("rs1")], pods: [{ ...pod, metadata: readyPod("rs1").metadata }] }),
    ).readyError;
  const withContainers = (containerStatuses: NonNullable<PodLike["status"]>["containerStatuses"]) => ({
    spec: { nodeName: "n1" },
    status: {
      phase: "Pending",
      conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady", message: "app" }],
      containerStatuses,
    },
  });

  test("a waiting container gives its reason and message, without a message its reason", () => {
    expect(
      reason(
        withContainers([
          { state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "x"' } } },
        ]),
      ),
    ).toBe('ImagePullBackOff: Back-off pulling image "x"');
    expect(reason(withContainers([{ state: { waiting: { reason: "ContainerCreating" } } }]))).toBe(
      "ContainerCreating",
    );
  });

  test("a terminated container comes before a waiting one; its last termination follows", () => {
    expect(
      reason(
        withContainers([
          { state: { waiting: { reason: "PodInitializing" } } },
          {
            state: { terminated: { reason: "Error", exitCode: 2 } },
            lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } },
          },
        ]),
      ),
    ).toBe("Error (exit code 2) (last terminated: OOMKilled (exit code 137))");
  });

  test("a running container that is not Ready leaves the Ready condition to say why", () => {
    expect(reason(withContainers([{ state: {} }]))).toBe("ContainersNotReady: app");
  });
});
