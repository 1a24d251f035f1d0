/**
 * The database backup pruner: the program the storage layer's CronJob runs with the pinned Bun
 * image (lib/layers/storage/backupPruner.ts ships this file and ./retention.ts in a ConfigMap).
 * It lists the scheduled Backups of every namespace and the Clusters (the Backups they restore
 * from are kept, ./retention.ts restoreSources), decides with `backupsToPrune` and deletes
 * each chosen Backup by name with its uid as a precondition, so a Backup made again under the same
 * name since the list is never the one deleted. Any failure stops it, exit 1, with what failed;
 * what it deleted before stays deleted and the next run carries on (the decision is idempotent).
 *
 * API server routes: list and delete of postgresql.cnpg.io/v1 backups and list of its clusters
 * (the CRDs' plurals, chart cloudnative-pg 0.29.0: both namespaced), a label
 * selector of the key alone (exists), and DeleteOptions.preconditions.uid (k8s.io/apimachinery
 * pkg/apis/meta/v1/types.go, Preconditions; the API reference: a failed one answers 409
 * Conflict). Without `limit` the server answers the whole list at once (types.go
 * ListOptions.Limit); a `continue` token is refused all the same.
 *
 * Block comments only inside functions: the render prints this file, and its check for doubled
 * path separators (test/cli/addressPlan.test.ts) would take a line comment for one.
 */
import {
  type BackupRef,
  type BackupToDelete,
  backupsToPrune,
  type ListedBackup,
  type ListedCluster,
  restoreSources,
  SCHEDULE_LABEL,
} from "./retention.ts";

/** Where a pod reaches the API server, and where the kubelet mounts its token and the cluster's CA. */
const API_SERVER = "https://kubernetes.default.svc";
const ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const BACKUPS = "/apis/postgresql.cnpg.io/v1";
export const LIST_PATH = `${BACKUPS}/backups?labelSelector=${encodeURIComponent(SCHEDULE_LABEL)}`;
export const CLUSTERS_PATH = `${BACKUPS}/clusters`;
const backupPath = (backup: BackupToDelete): string =>
  `${BACKUPS}/namespaces/${backup.namespace}/backups/${backup.name}`;

const deleteOptions = (backup: BackupToDelete) => ({
  apiVersion: "v1",
  kind: "DeleteOptions",
  preconditions: { uid: backup.uid },
});

export interface Answer {
  status: number;
  text: string;
}

export interface Io {
  send: (method: "GET" | "DELETE", path: string, body?: unknown) => Promise<Answer>;
  log: (line: string) => void;
}

/** The API server's own message (a Status object's), else the start of what it answered. */
const failureText = (call: string, answer: Answer): string => {
  let message = answer.text.slice(0, 300);
  try {
    message = (JSON.parse(answer.text) as { message?: string }).message ?? message;
  } catch {}
  return `${call} answered ${answer.status}: ${message}`;
};

/** The listed items (`what`: "backups", "clusters"), or why the answer is not a whole list. */
const listedItems = (what: string, path: string, answer: Answer): unknown[] | string => {
  if (answer.status !== 200) return failureText(`listing the ${what} (GET ${path})`, answer);
  try {
    const list = JSON.parse(answer.text) as { items?: unknown; metadata?: { continue?: string } };
    if (!Array.isArray(list.items)) return `listing the ${what} answered no items array`;
    if (list.metadata?.continue) return `listing the ${what} answered part of the list (a continue token)`;
    return list.items;
  } catch {
    return `listing the ${what} answered no JSON: ${answer.text.slice(0, 300)}`;
  }
};

/**
 * The Backups Clusters restore from, or why they cannot be known (then nothing may go). Listed
 * after the Backups, so a restore declared while those were listed is still seen.
 */
const keptForRestores = async (io: Io): Promise<{ keep: BackupRef[] } | { failed: string[] }> => {
  const clusters = listedItems("clusters", CLUSTERS_PATH, await io.send("GET", CLUSTERS_PATH));
  if (typeof clusters === "string") return { failed: [clusters] };
  const sources = restoreSources(clusters as ListedCluster[]);
  return "unreadable" in sources ? { failed: sources.unreadable } : { keep: sources };
};

const NOT_KNOWN = "nothing deleted: without knowing which Backups Clusters restore from, any might be one";

/** Lists, decides, deletes. True when every chosen Backup is gone. */
export const prune = async (io: Io, retain: number): Promise<boolean> => {
  const backups = listedItems("backups", LIST_PATH, await io.send("GET", LIST_PATH));
  if (typeof backups === "string") {
    io.log(`FAILED: ${backups}; nothing deleted`);
    return false;
  }
  const restores = await keptForRestores(io);
  if ("failed" in restores) {
    for (const line of restores.failed) io.log(`FAILED: ${line}`);
    io.log(NOT_KNOWN);
    return false;
  }
  const decision = backupsToPrune(backups as ListedBackup[], retain, restores.keep);
  if (!decision.ok) {
    for (const line of decision.unreadable) io.log(`FAILED: ${line}`);
    io.log("nothing deleted: a scheduled Backup it cannot read might be one to keep");
    return false;
  }
  io.log(
    `${backups.length} scheduled backups listed; keeping the newest ${retain} completed per schedule; ${decision.delete.length} to delete`,
  );
  for (const backup of decision.spared)
    io.log(
      `kept ${backup.namespace}/${backup.name} (schedule ${backup.schedule}): a Cluster restores from it`,
    );
  for (const backup of decision.delete) {
    const where = `${backup.namespace}/${backup.name}`;
    const answer = await io.send("DELETE", backupPath(backup), deleteOptions(backup));
    if (answer.status === 404) io.log(`${where} (schedule ${backup.schedule}): already gone`);
    else if (answer.status === 200 || answer.status === 202)
      io.log(`deleted ${where} (schedule ${backup.schedule})`);
    else {
      io.log(`FAILED: ${failureText(`deleting ${where} (DELETE ${backupPath(backup)})`, answer)}`);
      return false;
    }
  }
  return true;
};

/** The command line: `bun prune.ts <retain> [<api server> <account dir>]`; the last two for a test run. */
export const parseArgs = (args: readonly string[]) => {
  const [retain = "", api = API_SERVER, account = ACCOUNT_DIR] = args;
  if (!/^[1-9][0-9]*$/.test(retain))
    return `retain must be a whole number >= 1, not ${JSON.stringify(retain)}`;
  return { retain: Number(retain), api, account };
};

const HELP = [
  "What to do: read the lines above. The next run tries again; it deletes only what is still older than what it keeps.",
  "- 401 or 403: the ServiceAccount database-backup-pruner or its ClusterRole is missing; deploy the storage layer again.",
  "- 409 on a delete: that Backup was made again since the list; the next run decides again.",
];

const main = async (args: string[]): Promise<number> => {
  const log = (line: string) => console.log(`database-backup-pruner: ${line}`);
  try {
    const options = parseArgs(args);
    if (typeof options === "string") throw new Error(options);
    const token = (await Bun.file(`${options.account}/token`).text()).trim();
    const ca = await Bun.file(`${options.account}/ca.crt`).text();
    const send: Io["send"] = async (method, path, body) => {
      /* Bun's fetch takes `tls.ca` (BunFetchRequestInit.tls, bun.sh reference): the cluster's CA. */
      const response = await fetch(`${options.api}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          "Content-Type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        tls: { ca },
      });
      return { status: response.status, text: await response.text() };
    };
    if (await prune({ send, log }, options.retain)) return 0;
  } catch (error) {
    log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const line of HELP) log(line);
  return 1;
};

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
