/**
 * Container, pod template, Deployment and Job with the secure defaults every workload gets: non-root
 * unless the caller opts out, no privilege escalation unless it opts out, every capability dropped
 * (named ones added back), the runtime's seccomp profile, the control-plane toleration, no
 * ServiceAccount token unless a ServiceAccount is named, no Service env links.
 */
import type * as input from "@pulumi/kubernetes/types/input";
import { type CoreObject, kindId, type ObjectMeta } from "../core/plan.ts";
import { CONTROL_PLANE_TOLERATION } from "./talos.ts";

interface ContainerPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: "TCP" | "UDP";
}

export interface ContainerSecurity {
  /** The image must run as root (the caller names why). */
  readonly runAsRoot: boolean;
  /** Added back after dropping ALL. */
  readonly addCapabilities: readonly string[];
  /** Lets setuid binaries and file capabilities take effect (the caller names why). */
  readonly allowPrivilegeEscalation: boolean;
  readonly readOnlyRootFilesystem: boolean;
}

export interface ContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports: readonly ContainerPort[];
  readonly env: readonly input.core.v1.EnvVar[];
  readonly resources: input.core.v1.ResourceRequirements;
  readonly volumeMounts: readonly input.core.v1.VolumeMount[];
  /** startupProbe, readinessProbe, livenessProbe, as the caller built them. */
  readonly probes: Readonly<
    Partial<Record<"startupProbe" | "readinessProbe" | "livenessProbe", input.core.v1.Probe>>
  >;
  readonly security: ContainerSecurity;
}

const SECCOMP = { type: "RuntimeDefault" } as const;

export const containerObject = (options: ContainerOptions): input.core.v1.Container => ({
  name: options.name,
  image: options.image,
  ...(options.command ? { command: [...options.command] } : {}),
  ...(options.args ? { args: [...options.args] } : {}),
  ...(options.ports.length > 0 ? { ports: options.ports.map((port) => ({ ...port })) } : {}),
  ...(options.env.length > 0 ? { env: [...options.env] } : {}),
  resources: options.resources,
  securityContext: {
    allowPrivilegeEscalation: options.security.allowPrivilegeEscalation,
    privileged: false,
    capabilities: {
      drop: ["ALL"],
      ...(options.security.addCapabilities.length > 0 ? { add: [...options.security.addCapabilities] } : {}),
    },
    ...(options.security.runAsRoot ? {} : { runAsNonRoot: true }),
    ...(options.security.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    seccompProfile: SECCOMP,
  },
  ...(options.volumeMounts.length > 0 ? { volumeMounts: [...options.volumeMounts] } : {}),
  ...options.probes,
});

/**
 * The container of a one-shot step (a webhook gate, the OIDC client step, the backup pruner): no
 * ports, env or probes; non-root, no added capability, read-only root filesystem. Such a step writes
 * no termination-log file, so the kubelet takes its log's last lines as the container's message,
 * which the provider's error shows when the Job fails (the failure and its help).
 */
export const stepContainer = (
  options: Omit<ContainerOptions, "ports" | "env" | "probes" | "security">,
): input.core.v1.Container => ({
  ...containerObject({
    ...options,
    ports: [],
    env: [],
    probes: {},
    security: {
      runAsRoot: false,
      addCapabilities: [],
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    },
  }),
  terminationMessagePolicy: "FallbackToLogsOnError",
});

export interface PodTemplateOptions {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly containers: readonly input.core.v1.Container[];
  readonly volumes: readonly input.core.v1.Volume[];
  /** Numeric uid/gid for non-root pods; absent for a pod that runs as root. */
  readonly identity?: { readonly user: number; readonly group: number };
  /** Mounts this ServiceAccount's token; without one the pod gets no token at all. */
  readonly serviceAccount?: string;
  readonly affinity?: input.core.v1.Affinity;
}

const podSecurityContext = (identity: PodTemplateOptions["identity"]) => ({
  ...(identity === undefined
    ? {}
    : {
        runAsNonRoot: true,
        runAsUser: identity.user,
        runAsGroup: identity.group,
        fsGroup: identity.group,
        fsGroupChangePolicy: "OnRootMismatch",
      }),
  seccompProfile: SECCOMP,
});

/** A pod template with its spec at hand (not a Pulumi `Input`), so a Job can add to it. */
export interface PodTemplate {
  metadata: Pick<ObjectMeta, "labels" | "annotations">;
  spec: input.core.v1.PodSpec;
}

export const podTemplate = (pod: PodTemplateOptions): PodTemplate => ({
  metadata: {
    labels: { ...pod.labels },
    ...(pod.annotations ? { annotations: { ...pod.annotations } } : {}),
  },
  spec: {
    ...(pod.serviceAccount === undefined
      ? { automountServiceAccountToken: false }
      : { serviceAccountName: pod.serviceAccount, automountServiceAccountToken: true }),
    enableServiceLinks: false,
    tolerations: [CONTROL_PLANE_TOLERATION],
    securityContext: podSecurityContext(pod.identity),
    ...(pod.affinity ? { affinity: pod.affinity } : {}),
    containers: [...pod.containers],
    ...(pod.volumes.length > 0 ? { volumes: [...pod.volumes] } : {}),
  },
});

export interface DeploymentOptions {
  readonly metadata: ObjectMeta;
  readonly replicas: number;
  readonly selector: Readonly<Record<string, string>>;
  /** A ReadWriteOnce volume cannot be attached to the old and the new pod at once: Recreate. */
  readonly singleAttach: boolean;
  readonly template: PodTemplate;
}

export const deploymentObject = (options: DeploymentOptions): CoreObject<"apps/v1/Deployment"> => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: options.metadata,
  spec: {
    replicas: options.replicas,
    revisionHistoryLimit: 3,
    strategy: options.singleAttach ? { type: "Recreate" } : { type: "RollingUpdate" },
    selector: { matchLabels: { ...options.selector } },
    template: options.template,
  },
});

/** The plan id of a Deployment, for what waits for one built elsewhere (another layer's app). */
export const deploymentId = (namespace: string, name: string): string =>
  kindId("Deployment", namespace, name);

export interface JobOptions {
  readonly template: PodTemplate;
  /** A Job's pods may not restart `Always`: `Never` leaves a failed pod to the Job's retries. */
  readonly restartPolicy: "Never" | "OnFailure";
  /** Failed pods retried before the Job fails. */
  readonly backoffLimit: number;
  /** Seconds from the Job's start after which it fails, running or not. */
  readonly activeDeadlineSeconds?: number;
}

const jobSpec = (options: JobOptions) => ({
  backoffLimit: options.backoffLimit,
  ...(options.activeDeadlineSeconds === undefined
    ? {}
    : { activeDeadlineSeconds: options.activeDeadlineSeconds }),
  template: {
    ...options.template,
    spec: { ...options.template.spec, restartPolicy: options.restartPolicy },
  },
});

/** A Job running one pod of `template` to completion. */
export const jobObject = (metadata: ObjectMeta, options: JobOptions): CoreObject<"batch/v1/Job"> => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata,
  spec: jobSpec(options),
});

export interface CronJobOptions extends JobOptions {
  /** Five-field cron, read in `timeZone`. */
  readonly schedule: string;
  readonly timeZone: string;
}

/**
 * A CronJob of one Job at a time (a run still going when the next is due is not doubled), keeping
 * the last run and the last three failures to read.
 */
export const cronJobObject = (
  metadata: ObjectMeta,
  options: CronJobOptions,
): CoreObject<"batch/v1/CronJob"> => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata,
  spec: {
    schedule: options.schedule,
    timeZone: options.timeZone,
    concurrencyPolicy: "Forbid",
    successfulJobsHistoryLimit: 1,
    failedJobsHistoryLimit: 3,
    jobTemplate: { spec: jobSpec(options) },
  },
});

/** Prefer nodes that run no pod matching `selector` (primary and secondary of one service apart). */
export const preferredAntiAffinity = (selector: input.meta.v1.LabelSelector): input.core.v1.Affinity => ({
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: "kubernetes.io/hostname" } },
    ],
  },
});
