/**
 * The webhook gates' pods really run here: kwok makes a gate's pod Running, then this runs the
 * pod's own script (its container's `sh -c` text, lib/k8s/webhookGateScript.ts) with `sh` and
 * curl against the run's API server, as the pod's ServiceAccount (a fresh token from the
 * TokenRequest API) with the probes of the pod's ConfigMap, and reports the exit the way a kubelet
 * does: the pod Succeeded or Failed, the container terminated with its exit code and, under
 * `FallbackToLogsOnError`, its log's last lines as the message.
 *
 * What differs from the pod: the two mount paths and the API server's address point at this run's
 * files and server, and the retry window is shortened (600 s would outlast the rehearsal) so a
 * refused gate fails within seconds; the probes, the dry runs, the RBAC they pass and the messages
 * are the real ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { WEBHOOK_GATE_LABEL } from "../../lib/k8s/annotations.ts";
import { WEBHOOK_GATE_INTERVAL_SECONDS, WEBHOOK_GATE_WINDOW_SECONDS } from "../../lib/k8s/webhookGate.ts";
import { API_SERVER, PROBES_DIR, SERVICE_ACCOUNT_DIR } from "../../lib/k8s/webhookGateScript.ts";
import type { Clients } from "./api.ts";

/** The rehearsal's retry window and interval (seconds). */
const WINDOW_SECONDS = 4;
const INTERVAL_SECONDS = 1;

/** What the kubelet keeps of a failed container's log under FallbackToLogsOnError: 80 lines, 2048 bytes. */
export const fallbackMessage = (log: string): string => {
  const lines = log.trimEnd().split("\n").slice(-80).join("\n");
  return lines.length > 2048 ? lines.slice(-2048) : lines;
};

/** The gate's script pointed at this run's files and server, with the short window. */
export const localScript = (script: string, dirs: { sa: string; probes: string }, server: string): string =>
  script
    .replaceAll(SERVICE_ACCOUNT_DIR, dirs.sa)
    .replaceAll(`${PROBES_DIR}/`, `${dirs.probes}/`)
    .replaceAll(API_SERVER, server)
    .replace(`\nwindow=${WEBHOOK_GATE_WINDOW_SECONDS}\n`, `\nwindow=${WINDOW_SECONDS}\n`)
    .replace(`\ninterval=${WEBHOOK_GATE_INTERVAL_SECONDS}\n`, `\ninterval=${INTERVAL_SECONDS}\n`);

/** What is missing to run the gates' script here (`sh`, `curl`), said before anything starts. */
export const gateToolsProblem = (which: (tool: string) => string | null = Bun.which): string | undefined => {
  const missing = ["sh", "curl"].filter((tool) => !which(tool));
  return missing.length > 0
    ? `${missing.join(" and ")} not on PATH: the webhook gates' script runs here with them (Debian: apt-get install curl)`
    : undefined;
};

/** Whether `pod` is a gate's pod that kwok made Running and nobody has finished yet. */
export const isGateToRun = (pod: V1Pod): boolean =>
  Boolean(pod.metadata?.labels?.[WEBHOOK_GATE_LABEL]) &&
  pod.status?.phase === "Running" &&
  !pod.metadata?.deletionTimestamp;

interface Server {
  url: string;
  ca: string;
}

/** Writes the token, CA and probes the pod would have mounted; returns their folders. */
const mountsOf = async (clients: Clients, pod: V1Pod, server: Server, into: string) => {
  const namespace = pod.metadata?.namespace ?? "default";
  const sa = join(into, "sa");
  const probes = join(into, "probes");
  mkdirSync(sa);
  mkdirSync(probes);
  const token = await clients.core.createNamespacedServiceAccountToken({
    name: pod.spec?.serviceAccountName ?? "default",
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  writeFileSync(join(sa, "token"), token.status?.token ?? "", { mode: 0o600 });
  writeFileSync(join(sa, "ca.crt"), server.ca);
  const configMap = pod.spec?.volumes?.find((volume) => volume.configMap)?.configMap?.name ?? "";
  const files = await clients.core.readNamespacedConfigMap({ name: configMap, namespace });
  for (const [file, text] of Object.entries(files.data ?? {})) writeFileSync(join(probes, file), text);
  return { sa, probes };
};

/** Runs one gate pod's script and writes its outcome into the pod's status; returns a line for the log. */
export const runGatePod = async (clients: Clients, pod: V1Pod, server: Server): Promise<string> => {
  const container = pod.spec?.containers[0];
  const script = container?.command?.[2] ?? "";
  const into = mkdtempSync(join(tmpdir(), "homelab-gate-"));
  try {
    const dirs = await mountsOf(clients, pod, server, into);
    const child = Bun.spawn(["sh", "-c", localScript(script, dirs, server.url)], {
      cwd: into,
      stdout: "pipe",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    const [out, err] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    const code = await child.exited;
    const log = out + err;
    const now = new Date();
    const message =
      code !== 0 && container?.terminationMessagePolicy === "FallbackToLogsOnError"
        ? fallbackMessage(log)
        : "";
    const current = await clients.core.readNamespacedPod({
      name: pod.metadata?.name ?? "",
      namespace: pod.metadata?.namespace ?? "",
    });
    const status = current.status ?? {};
    status.phase = code === 0 ? "Succeeded" : "Failed";
    status.conditions = (status.conditions ?? []).map((condition) =>
      condition.type === "Ready" || condition.type === "ContainersReady"
        ? { ...condition, status: "False", reason: "PodCompleted", lastTransitionTime: now }
        : condition,
    );
    status.containerStatuses = (status.containerStatuses ?? []).map((entry) => ({
      ...entry,
      ready: false,
      started: false,
      state: {
        terminated: {
          exitCode: code,
          reason: code === 0 ? "Completed" : "Error",
          ...(message ? { message } : {}),
          startedAt: entry.state?.running?.startedAt ?? now,
          finishedAt: now,
        },
      },
    }));
    await clients.core.replaceNamespacedPodStatus({
      name: current.metadata?.name ?? "",
      namespace: current.metadata?.namespace ?? "",
      body: { ...current, status },
    });
    const last = log.trimEnd().split("\n").at(-1) ?? "";
    return `ran gate ${pod.metadata?.namespace}/${pod.metadata?.name}: exit ${code}: ${last}`;
  } finally {
    rmSync(into, { recursive: true, force: true });
  }
};
