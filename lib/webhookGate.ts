/**
 * A readiness gate for a chart's admission webhook. Some charts report ready before their webhook
 * answers (MetalLB 0.16's readiness is a plain ping; cert-manager's CA is injected after its pods
 * start), and the Kubernetes provider does not retry a create the webhook refused. So the layer
 * runs a Job that dry-runs probe objects against the API server (`kubectl create --dry-run=server`,
 * which goes through the webhook and stores nothing) until they are accepted. The provider awaits
 * a Job until it completes, so every custom resource planned after the gate meets a serving webhook.
 *
 * Probes are objects of the gated groups with names nothing else uses, so the gate can run again at
 * any time (a create of an existing name would fail for another reason).
 */
import { configMapObject } from "./k8s/config.ts";
import { namespaceObject } from "./k8s/namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "./k8s/rbac.ts";
import { containerObject, podTemplate } from "./k8s/workload.ts";
import { apiGroupOf, type KubeObject, objectId, type PlannedObject, plannedObject } from "./plan.ts";
import { toYamlDocument } from "./render/yaml.ts";

/** The upstream kubectl image (distroless: no shell, so the Job's restarts are the retry loop). */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.3";

/** On the gate's Job: the API groups whose webhook it proves serving, comma-separated. */
export const WEBHOOK_GATE_ANNOTATION = "homelab/webhook-gate";

/** How long the gate waits for the webhook before the deploy fails with the Job's own message. */
export const WEBHOOK_GATE_DEADLINE_SECONDS = 600;

export interface WebhookGateSpec {
  /** Names the gate's objects: `<name>-webhook-gate`. */
  name: string;
  /** Where the Job runs; namespaced probes live here too (it exists before the gate). */
  namespace: string;
  /** The release whose webhook is gated, and anything else the probes need first. */
  after: readonly string[];
  probes: readonly KubeObject[];
}

const PROBES_FILE = "probes.yaml";

/** The objects of one gate; the Job's id is the one custom resources wait for. */
export const webhookGate = (spec: WebhookGateSpec): { job: string; objects: PlannedObject[] } => {
  const name = `${spec.name}-webhook-gate`;
  const namespace = spec.namespace;
  const groups = [...new Set(spec.probes.map((probe) => apiGroupOf(probe)))];
  const home = objectId(namespaceObject(namespace));
  const serviceAccount = plannedObject(serviceAccountObject(name, namespace), [home]);
  // A server-side dry run needs the same `create` permission as a real create.
  const role = plannedObject(
    clusterRoleObject(
      name,
      groups.map((group) => ({
        apiGroups: [group],
        // Plural resource names: every probed kind pluralizes with a plain `s`.
        resources: [
          ...new Set(
            spec.probes
              .filter((probe) => apiGroupOf(probe) === group)
              .map((probe) => `${probe.kind.toLowerCase()}s`),
          ),
        ],
        verbs: ["create"],
      })),
    ),
    [],
  );
  const binding = plannedObject(clusterRoleBindingObject(name, name, { name, namespace }), [
    serviceAccount.id,
    role.id,
  ]);
  const probes = plannedObject(
    configMapObject(
      { name, namespace },
      {
        [PROBES_FILE]: spec.probes.map(toYamlDocument).join("---\n"),
      },
    ),
    [home],
  );
  const job = plannedObject(gateJob(name, namespace, groups), [
    ...spec.after,
    serviceAccount.id,
    binding.id,
    probes.id,
  ]);
  return { job: job.id, objects: [serviceAccount, role, binding, probes, job] };
};

/** The unprivileged uid of the distroless kubectl image ("nonroot"). */
const KUBECTL_USER = 65532;

const gateJob = (name: string, namespace: string, groups: readonly string[]): KubeObject => {
  const template = podTemplate({
    labels: { "app.kubernetes.io/name": name },
    serviceAccount: name,
    identity: { user: KUBECTL_USER, group: KUBECTL_USER },
    containers: [
      containerObject({
        name: "dry-run",
        image: KUBECTL_IMAGE,
        args: ["create", "--dry-run=server", "-f", `/probes/${PROBES_FILE}`],
        ports: [],
        // kubectl keeps its discovery cache under $HOME; the root filesystem is read-only.
        env: [{ name: "HOME", value: "/tmp" }],
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
        volumeMounts: [
          { name: "probes", mountPath: "/probes", readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
        ],
        probes: {},
        security: {
          runAsRoot: false,
          addCapabilities: [],
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        },
      }),
    ],
    volumes: [
      { name: "probes", configMap: { name } },
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ],
  });
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace, annotations: { [WEBHOOK_GATE_ANNOTATION]: groups.join(",") } },
    spec: {
      backoffLimit: 30,
      activeDeadlineSeconds: WEBHOOK_GATE_DEADLINE_SECONDS,
      template: {
        ...template,
        // Refused probes restart the container with the kubelet's back-off (10 s, 20 s, 40 s, ...).
        spec: { ...(template.spec as object), restartPolicy: "OnFailure" },
      },
    },
  };
};
