/**
 * Retention of database backups. CloudNativePG prunes nothing for volume-snapshot backups
 * (cloudnative-pg v1.30.0 docs/src/backup.md: volume snapshots "Do not support retention
 * policies"; `retentionPolicy` applies only to object stores), so a CronJob does: an hour after the
 * database backups it keeps, per ScheduledBackup, the newest `retain` completed Backups and
 * deletes every Backup older than those. A deleted Backup takes its VolumeSnapshot with it
 * (`snapshotOwnerReference: backup`), whose content the class deletes (`deletionPolicy: Delete`),
 * which makes Longhorn's CSI driver delete the backup from the NAS (longhorn-manager v1.12.1
 * csi/controller_server.go, DeleteSnapshot: type `bak` → cleanupBackup). Backups made by hand (no
 * `cnpg.io/scheduled-backup` label) are never touched.
 */
import type { PlannedObject } from "../../core/plan.ts";
import { plannedObject } from "../../core/plan.ts";
import { layerLabels } from "../../k8s/labels.ts";
import { namespaceId } from "../../k8s/namespace.ts";
import { clusterRoleBindingObject, clusterRoleObject, serviceAccountObject } from "../../k8s/rbac.ts";
import { CURL_IMAGE } from "../../k8s/webhookGate.ts";
import { API_SERVER, SERVICE_ACCOUNT_DIR, shellQuote } from "../../k8s/webhookGateScript.ts";
import { containerObject, cronJobObject, podTemplate } from "../../k8s/workload.ts";

export const BACKUP_PRUNER = "database-backup-pruner";

/** The curl image's user and group (lib/k8s/webhookGate.ts explains the numbers). */
const CURL_IDENTITY = { user: 100, group: 101 };

/**
 * The pruner as a POSIX shell script for the curl image's busybox (sh, sed, sort, awk). The list
 * is read as the API server writes custom resources: one line of JSON, each object's keys sorted
 * (encoding/json of an unstructured map), so an item starts `{"apiVersion":"postgresql.cnpg.io/v1",
 * "kind":"Backup",` and its metadata has `"name":…,"namespace":…` side by side. verify:cluster runs
 * this script against a real API server. `SA_DIR` and `API_SERVER` may be overridden there.
 */
export const prunerScript = (retain: number): string => {
  if (!Number.isInteger(retain) || retain < 1) throw new Error("retain must be a whole number >= 1");
  return [
    "set -u",
    `retain=${retain}`,
    `sa=\${SA_DIR:-${SERVICE_ACCOUNT_DIR}}`,
    `api=\${API_SERVER:-${API_SERVER}}`,
    "stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }",
    // The token is read on every call (the kubelet rotates it) and reaches curl on stdin, in no argv.
    "call() {",
    String.raw`  printf 'Authorization: Bearer %s\n' "$(cat "$sa/token")" |`,
    '    curl --fail-with-body --silent --show-error --max-time 30 --cacert "$sa/ca.crt" -H @- \\',
    `      --user-agent ${shellQuote(BACKUP_PRUNER)} -X "$1" "$2" 2>&1`,
    "}",
    `if ! list=$(call GET "$api/apis/postgresql.cnpg.io/v1/backups?labelSelector=cnpg.io%2Fscheduled-backup"); then`,
    String.raw`  echo "$(stamp) listing the backups failed: $(printf '%s' "$list" | tr '\n' ' ')"`,
    "  exit 1",
    "fi",
    // One line per Backup: <namespace> <scheduled backup> <name> <phase>, by one awk (escapes are sed's).
    'rows=$(printf \'%s\\n\' "$list" | sed \'s/{"apiVersion":"postgresql\\.cnpg\\.io\\/v1","kind":"Backup",/\\n/g\' | awk \'',
    String.raw`  function quoted(text, re, n,   parts) { if (!match(text, re)) return ""; split(substr(text, RSTART, RLENGTH), parts, "\""); return parts[n] }`,
    String.raw`  { parent = quoted($0, "\"cnpg\\.io/scheduled-backup\":\"[^\"]*\"", 4)`,
    String.raw`    pair = "\"name\":\"[^\"]*\",\"namespace\":\"[^\"]*\""`,
    String.raw`    name = quoted($0, pair, 4); namespace = quoted($0, pair, 8); phase = quoted($0, "\"phase\":\"[^\"]*\"", 4)`,
    `    if (parent != "" && name != "") print namespace, parent, name, (phase == "" ? "none" : phase) }')`,
    // Newest first (names end in the backup's time); older than the `retain`-th completed one: pruned.
    String.raw`doomed=$(printf '%s\n' "$rows" | sort -r | awk -v retain="$retain" 'NF == 4 { key = $1 " " $2; if (kept[key] >= retain) print $1 " " $3; if ($4 == "completed") kept[key]++ }')`,
    String.raw`listed=$(printf '%s\n' "$rows" | grep -c . || true)`,
    `echo "$(stamp) $listed scheduled backups listed; keeping the newest $retain completed per schedule"`,
    String.raw`printf '%s\n' "$doomed" | while read -r namespace name; do`,
    `  [ -z "$name" ] && continue`,
    `  if answer=$(call DELETE "$api/apis/postgresql.cnpg.io/v1/namespaces/$namespace/backups/$name"); then`,
    `    echo "$(stamp) deleted $namespace/$name"`,
    "  else",
    String.raw`    echo "$(stamp) could not delete $namespace/$name: $(printf '%s' "$answer" | tr '\n' ' ')"`,
    "    exit 1",
    "  fi",
    "done",
    "",
  ].join("\n");
};

/** Its ServiceAccount, the right to list and delete Backups, and the CronJob at `schedule` (UTC). */
export const backupPruner = (options: {
  namespace: string;
  schedule: string;
  retain: number;
}): PlannedObject[] => {
  const { namespace } = options;
  const labels = layerLabels("storage");
  const home = namespaceId(namespace);
  const account = plannedObject(serviceAccountObject(BACKUP_PRUNER, namespace, labels), [home]);
  const role = plannedObject(
    clusterRoleObject(
      BACKUP_PRUNER,
      [{ apiGroups: ["postgresql.cnpg.io"], resources: ["backups"], verbs: ["list", "delete"] }],
      labels,
    ),
  );
  const binding = plannedObject(
    clusterRoleBindingObject(BACKUP_PRUNER, BACKUP_PRUNER, { name: BACKUP_PRUNER, namespace }, labels),
    [account.id, role.id],
  );
  const template = podTemplate({
    labels: { "app.kubernetes.io/name": BACKUP_PRUNER },
    serviceAccount: BACKUP_PRUNER,
    identity: CURL_IDENTITY,
    containers: [
      containerObject({
        name: "prune",
        image: CURL_IMAGE,
        command: ["sh", "-c", prunerScript(options.retain)],
        ports: [],
        env: [],
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
        volumeMounts: [],
        probes: {},
        security: {
          runAsRoot: false,
          addCapabilities: [],
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        },
      }),
    ],
    volumes: [],
  });
  const cronJob = cronJobObject(
    { name: BACKUP_PRUNER, namespace, labels },
    {
      schedule: options.schedule,
      timeZone: "Etc/UTC",
      template,
      restartPolicy: "Never",
      backoffLimit: 2,
      activeDeadlineSeconds: 600,
    },
  );
  return [account, role, binding, plannedObject(cronJob, [home, binding.id])];
};
