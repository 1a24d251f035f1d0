/**
 * How verify:cluster configures its control plane: flags, the Pod Security admission config and
 * the Node objects, all loopback-only and shaped after Talos' defaults.
 */
import { stringify } from "yaml";
import { CONTROL_PLANE_TOLERATION } from "../../lib/k8s/talos.ts";
import { KUBERNETES_VERSION } from "./versions.ts";

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
}

/** Files of one run, all inside its temporary folder. */
export interface RunFiles {
  dir: string;
  etcdData: string;
  certDir: string;
  tokens: string;
  admission: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  kubeconfig: string;
}

/** Talos' own defaults: enforce baseline, audit and warn restricted, kube-system exempt. */
export const admissionConfiguration = (): string =>
  stringify({
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "AdmissionConfiguration",
    plugins: [
      {
        name: "PodSecurity",
        configuration: {
          apiVersion: "pod-security.admission.config.k8s.io/v1",
          kind: "PodSecurityConfiguration",
          defaults: {
            enforce: "baseline",
            "enforce-version": "latest",
            audit: "restricted",
            "audit-version": "latest",
            warn: "restricted",
            "warn-version": "latest",
          },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: ["kube-system"] },
        },
      },
    ],
  });

export const etcdArgs = (files: RunFiles, ports: Ports): string[] => [
  "--name=verify",
  `--data-dir=${files.etcdData}`,
  `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
  `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
  `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
  `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
  `--initial-cluster=verify=http://127.0.0.1:${ports.etcdPeer}`,
  "--listen-metrics-urls=",
  "--log-level=warn",
  // Nothing here outlives the run: skip fsync so a run stays fast on slow disks.
  "--unsafe-no-fsync",
];

export const apiserverArgs = (files: RunFiles, ports: Ports): string[] => [
  "--bind-address=127.0.0.1",
  "--advertise-address=127.0.0.1",
  `--secure-port=${ports.apiserver}`,
  // With no key pair given, the server makes a self-signed one here, new for each run.
  `--cert-dir=${files.certDir}`,
  `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
  `--token-auth-file=${files.tokens}`,
  "--authorization-mode=Node,RBAC",
  `--admission-control-config-file=${files.admission}`,
  "--enable-admission-plugins=NodeRestriction",
  // As on Talos: privileged pods are allowed where Pod Security lets them (e.g. longhorn-system).
  "--allow-privileged=true",
  "--service-cluster-ip-range=10.96.0.0/12",
  "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
  `--service-account-key-file=${files.serviceAccountPub}`,
  `--service-account-signing-key-file=${files.serviceAccountKey}`,
  "--profiling=false",
];

/**
 * Without kubelets the node lifecycle controller would mark the nodes unreachable and taint them
 * after its grace period, so it is off; the nodes keep the Ready status this run gives them.
 */
export const controllerManagerArgs = (files: RunFiles): string[] => [
  `--kubeconfig=${files.kubeconfig}`,
  "--controllers=*,-node-lifecycle-controller",
  `--service-account-private-key-file=${files.serviceAccountKey}`,
  `--root-ca-file=${files.certDir}/apiserver.crt`,
  "--leader-elect=false",
  "--secure-port=0",
];

export const schedulerArgs = (files: RunFiles): string[] => [
  `--kubeconfig=${files.kubeconfig}`,
  "--leader-elect=false",
  "--secure-port=0",
];

/** kube-apiserver's static token file: one cluster admin, this run's token. */
export const tokenFile = (token: string): string =>
  `${token},verify-cluster-admin,verify-cluster-admin,"system:masters"\n`;

/** The run's own kubeconfig, in its folder; nobody's ~/.kube/config is read or written. */
export const kubeconfigText = (server: string, caFile: string, token: string): string =>
  stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "verify", cluster: { server, "certificate-authority": caFile } }],
    users: [{ name: "admin", user: { token } }],
    contexts: [{ name: "verify", context: { cluster: "verify", user: "admin" } }],
    "current-context": "verify",
  });

export const NODE_COUNT = 3;

/** A control-plane-only Talos node: its labels and taint, Ready, with capacity; no kubelet behind it. */
export const talosNode = (index: number, now = new Date()) => {
  const name = `talos-cp-${index + 1}`;
  const capacity = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: "verify:cluster",
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node-role.kubernetes.io/control-plane": "",
        "node.kubernetes.io/exclude-from-external-load-balancers": "",
      },
    },
    spec: { taints: [{ key: CONTROL_PLANE_TOLERATION.key, effect: CONTROL_PLANE_TOLERATION.effect }] },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID"),
        condition("Ready", "True", "KubeletReady"),
      ],
      // Loopback addresses nothing listens on: nothing is ever sent to a node.
      addresses: [
        { type: "InternalIP", address: `127.0.1.${index + 1}` },
        { type: "Hostname", address: name },
      ],
      nodeInfo: {
        kubeletVersion: `v${KUBERNETES_VERSION}`,
        osImage: "Talos (simulated by verify:cluster)",
        operatingSystem: "linux",
        architecture: "amd64",
        containerRuntimeVersion: "containerd://2.1.0",
        kernelVersion: "6.12.0-talos",
        kubeProxyVersion: "",
        machineID: "",
        systemUUID: "",
        bootID: "",
      },
    },
  };
};
