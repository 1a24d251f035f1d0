/**
 * Starts the throwaway control plane in a temporary folder: etcd, kube-apiserver (on free loopback
 * ports, credentials made for this run), kube-controller-manager and kube-scheduler, then three
 * Talos-like nodes. Everything is stopped and the folder removed on every way out.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok, type Result } from "neverthrow";
import { logTail } from "../logTail.ts";
import type { Binaries } from "./build.ts";
import {
  admissionConfiguration,
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kubeconfigText,
  type Ports,
  type RunFiles,
  schedulerArgs,
  tokenFile,
} from "./config.ts";
import { freePort, PORT_TAKEN, type Server, startServer, stopAll, stopOnExit } from "./processes.ts";

export interface Cluster {
  server: string;
  caFile: string;
  /** The serving certificate the API server made for this run (with its CA), trusted by every client here. */
  ca: string;
  token: string;
  files: RunFiles;
  /** kube-controller-manager and kube-scheduler: a run in which one stopped proves nothing. */
  controllers: Server[];
}

const STARTUP_TIMEOUT_MS = 60_000;
const PORT_ATTEMPTS = 3;

const runFiles = (): RunFiles => {
  const dir = mkdtempSync(join(tmpdir(), "verify-cluster-"));
  const files: RunFiles = {
    dir,
    etcdData: join(dir, "etcd"),
    certDir: join(dir, "pki"),
    tokens: join(dir, "tokens.csv"),
    admission: join(dir, "admission.yaml"),
    serviceAccountKey: join(dir, "sa.key"),
    serviceAccountPub: join(dir, "sa.pub"),
    kubeconfig: join(dir, "kubeconfig"),
  };
  mkdirSync(files.certDir, { mode: 0o700 });
  return files;
};

/** Secrets of this run only: the admin token and the service account signing key. */
const writeCredentials = (files: RunFiles): string => {
  const token = randomBytes(32).toString("hex");
  writeFileSync(files.tokens, tokenFile(token), { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  writeFileSync(files.serviceAccountKey, privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
  });
  writeFileSync(files.serviceAccountPub, publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(files.admission, admissionConfiguration());
  return token;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Startup = "ready" | "port taken" | string;

/** Polls `probe` until it says ready, the process dies, or the time is up. */
const awaitReady = async (server: Server, probe: () => Promise<boolean>): Promise<Startup> => {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return "ready";
    if (server.exit) {
      if (PORT_TAKEN.test(readFileSync(server.log, "utf8"))) return "port taken";
      return `${server.name} stopped (${server.exit}) while starting; last lines of its log:\n${logTail(server.log)}`;
    }
    await sleep(200);
  }
  return `${server.name} was not ready after ${STARTUP_TIMEOUT_MS / 1000}s; last lines of its log:\n${logTail(server.log)}`;
};

/** Starts a server on fresh ports, again on others if a port was taken in the meantime. */
const startOnFreePorts = async (
  name: string,
  start: (ports: Ports) => Server,
  probe: (ports: Ports) => () => Promise<boolean>,
  ports: Ports,
  fresh: (ports: Ports) => Promise<Ports>,
): Promise<Result<Ports, string>> => {
  let current = ports;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const server = start(current);
    const state = await awaitReady(server, probe(current));
    if (state === "ready") return ok(current);
    if (state !== "port taken") return err(state);
    console.log(`  ${name}: a port was taken meanwhile, trying others`);
    current = await fresh(current);
  }
  return err(
    `${name} found its ports taken ${PORT_ATTEMPTS} times in a row; is something grabbing loopback ports?`,
  );
};

const serverLog = (files: RunFiles, name: string): string => join(files.dir, `${name}.log`);

/** The controller manager and the scheduler: they need only the kubeconfigs, no readiness wait. */
const startControllers = (binaries: Binaries, files: RunFiles): Server[] =>
  (["kube-controller-manager", "kube-scheduler"] as const).map((name) =>
    startServer(
      name,
      binaries[name],
      name === "kube-scheduler" ? schedulerArgs(files) : controllerManagerArgs(files),
      serverLog(files, name),
    ),
  );

export const startCluster = async (binaries: Binaries): Promise<Result<Cluster, string>> => {
  const files = runFiles();
  stopOnExit(() => rmSync(files.dir, { recursive: true, force: true }));
  const token = writeCredentials(files);
  const log = (name: string) => serverLog(files, name);
  const initial: Ports = {
    etcdClient: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
  };

  const etcd = await startOnFreePorts(
    "etcd",
    (ports) => {
      // A fresh data folder each attempt: one left by a start that lost its port belongs to other URLs.
      rmSync(files.etcdData, { recursive: true, force: true });
      return startServer("etcd", binaries.etcd, etcdArgs(files, ports), log("etcd"));
    },
    (ports) => async () => (await fetch(`http://127.0.0.1:${ports.etcdClient}/health`)).ok,
    initial,
    async (ports) => ({ ...ports, etcdClient: await freePort(), etcdPeer: await freePort() }),
  );
  if (etcd.isErr()) return err(etcd.error);

  const caFile = join(files.certDir, "apiserver.crt");
  const readyz = (ports: Ports) => async () => {
    const response = await fetch(`https://127.0.0.1:${ports.apiserver}/readyz`, {
      headers: { Authorization: `Bearer ${token}` },
      tls: { ca: readFileSync(caFile, "utf8") },
    });
    return response.ok;
  };
  const apiserver = await startOnFreePorts(
    "kube-apiserver",
    (ports) =>
      startServer(
        "kube-apiserver",
        binaries["kube-apiserver"],
        apiserverArgs(files, ports),
        log("kube-apiserver"),
      ),
    readyz,
    etcd.value,
    async (ports) => ({ ...ports, apiserver: await freePort() }),
  );
  if (apiserver.isErr()) return err(apiserver.error);

  const server = `https://127.0.0.1:${apiserver.value.apiserver}`;
  writeFileSync(files.kubeconfig, kubeconfigText(server, caFile, token), { mode: 0o600 });
  const controllers = startControllers(binaries, files);
  return ok({ server, caFile, ca: readFileSync(caFile, "utf8"), token, files, controllers });
};

export const stopCluster = stopAll;

/** A problem line for each controller that stopped during the run, with its log's tail. */
export const stoppedControllers = (cluster: Cluster): string[] =>
  cluster.controllers
    .filter((server) => server.exit)
    .map(
      (server) => `${server.name} stopped (${server.exit}); last lines of its log:\n${logTail(server.log)}`,
    );
