/**
 * The servers verify:cluster starts: each in its own process group with its log in the run's
 * folder, all stopped (group-wide, so no child survives) on every way out: normal end, failure,
 * Ctrl-C, SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";

/** A port on 127.0.0.1 that was free a moment ago (a server that then finds it taken is restarted on another). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });

export const PORT_TAKEN = /address already in use/i;

export interface Server {
  name: string;
  log: string;
  child: ChildProcess;
  /** Set once the process has exited, with its code or signal. */
  exit?: string;
}

const running = new Set<Server>();

/** Starts `command` in a new process group, stdout and stderr to `log`; `env` adds to this process's. */
export const startServer = (
  name: string,
  command: string,
  args: string[],
  log: string,
  env?: Record<string, string>,
): Server => {
  const fd = openSync(log, "a");
  const child = spawn(command, args, {
    detached: true,
    stdio: ["ignore", fd, fd],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  closeSync(fd);
  const server: Server = { name, log, child };
  running.add(server);
  child.once("exit", (code, signal) => {
    server.exit = signal ?? `exit code ${code}`;
    running.delete(server);
  });
  return server;
};

const signalGroup = (server: Server, signal: NodeJS.Signals) => {
  if (server.child.pid === undefined || server.exit) return;
  try {
    process.kill(-server.child.pid, signal);
  } catch {
    // Already gone.
  }
};

/** Stops one server: SIGTERM to its group, SIGKILL after `graceMs`. */
const stopServer = async (server: Server, graceMs = 5000): Promise<void> => {
  if (server.exit) return;
  const exited = new Promise<void>((resolve) => server.child.once("exit", () => resolve()));
  signalGroup(server, "SIGTERM");
  const timer = setTimeout(() => signalGroup(server, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
};

/** Stops every server still running, newest first (clients before the servers they talk to). */
export const stopAll = async (): Promise<void> => {
  for (const server of [...running].reverse()) await stopServer(server);
};

/**
 * Makes sure nothing outlives this process: Ctrl-C and SIGTERM stop the servers and run `cleanup`
 * before exiting; at any other exit, whatever is left is killed synchronously.
 */
export const stopOnExit = (cleanup: () => void): void => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the cluster…`);
      void stopAll().finally(() => {
        cleanup();
        process.exit(130);
      });
    });
  }
  process.once("exit", () => {
    for (const server of running) signalGroup(server, "SIGKILL");
    cleanup();
  });
};
