/**
 * The webhook gate's retry loop as a POSIX shell script (lib/k8s/webhookGate.ts runs it with the curl
 * image's busybox sh). Every `interval` seconds it posts each probe as a server-side dry run, what
 * `kubectl create --dry-run=server` sends: `POST <collection>?dryRun=All` goes through admission
 * (webhooks included) and stores nothing
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run). It exits 0 once one
 * round is accepted in full, and 1 after `window` seconds of refusals, naming the fix.
 */
import { apiGroupOf, type KubeObject } from "../core/plan.ts";

/** Where the kubelet mounts the pod's ServiceAccount token and the cluster's CA. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The API server as every pod reaches it (the `kubernetes` Service in `default`). */
export const API_SERVER = "https://kubernetes.default.svc";

/** Where the gate mounts its ConfigMap of probe files. */
export const PROBES_DIR = "/probes";

export interface GateScriptOptions {
  /** The gate Job's name, in every line the script prints. */
  gate: string;
  /** The API groups whose webhooks the probes reach. */
  groups: readonly string[];
  /** Each probe's REST collection path and its file under PROBES_DIR. */
  probes: readonly { path: string; file: string }[];
  /** Seconds between a refused round and the next. */
  interval: number;
  /** Seconds of refused rounds before the gate gives up. */
  window: number;
}

/** A single-quoted shell word: nothing inside is expanded; a `'` closes, escapes and reopens. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** The resource name in a REST path: every probed kind pluralizes with a plain `s`. */
export const pluralOf = (object: Pick<KubeObject, "kind">): string => `${object.kind.toLowerCase()}s`;

/**
 * The collection a create of `object` posts to: `/api/v1` for the core group, else
 * `/apis/<group>/<version>`, then `namespaces/<ns>/` when the object is namespaced (a probe carries
 * a namespace exactly when its kind is namespaced), then the plural.
 */
export const collectionPath = (object: KubeObject): string => {
  const group = apiGroupOf(object);
  const version = object.apiVersion.split("/").at(-1) ?? "";
  const root = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  const namespace = object.metadata.namespace;
  return `${root}${namespace === undefined ? "" : `/namespaces/${namespace}`}/${pluralOf(object)}`;
};

const integer = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of seconds`);
  return value;
};

/**
 * One try of one probe: `probe <path> <file>`. The token is read on every try (the kubelet rotates
 * it) and reaches curl on stdin (`-H @-`), so it is in no process's arguments. The user agent is
 * the gate's: the API server pretty-prints answers to a `curl` agent over many lines
 * (k8s.io/apiserver/pkg/endpoints/handlers/negotiation, isPrettyPrint), and the audit log names
 * the gate. A refusal (the API server's Status, or curl's own error) is kept on one line.
 */
const PROBE_FUNCTION = [
  "probe() {",
  `  if answer=$(printf 'Authorization: Bearer %s\\n' "$(cat "$sa/token")" |`,
  `    curl --fail-with-body --silent --show-error --max-time 10 --cacert "$sa/ca.crt" -H @- \\`,
  `      --user-agent "$gate" -H 'Content-Type: application/json' --data-binary "@${PROBES_DIR}/$2" \\`,
  `      "${API_SERVER}$1?dryRun=All" 2>&1); then`,
  `    echo "$(stamp) accepted $1"`,
  "  else",
  `    refusal="$1: $(printf '%s' "$answer" | tr '\\n' ' ')"`,
  `    echo "$(stamp) refused $refusal"`,
  "    return 1",
  "  fi",
  "}",
];

/** The script's text: settings, the probe function, then the loop. */
export const gateScript = (options: GateScriptOptions): string => {
  if (options.probes.length === 0) throw new Error(`${options.gate} has no probes`);
  const round = options.probes.map(({ path, file }) => `probe ${shellQuote(path)} ${shellQuote(file)}`);
  return [
    "set -u",
    `gate=${shellQuote(options.gate)}`,
    `groups=${shellQuote(options.groups.join(","))}`,
    `interval=${integer("interval", options.interval)}`,
    `window=${integer("window", options.window)}`,
    `sa=${SERVICE_ACCOUNT_DIR}`,
    "refusal='none'",
    "stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }",
    ...PROBE_FUNCTION,
    "start=$(date +%s)",
    "while :; do",
    `  if ${round.join(" && ")}; then`,
    `    echo "$(stamp) $gate: every probe accepted: the webhooks of $groups serve"`,
    "    exit 0",
    "  fi",
    `  if [ $(($(date +%s) - start)) -ge "$window" ]; then`,
    `    echo "$(stamp) $gate: the webhooks of $groups refused for \${window}s, last: $refusal." \\`,
    `      "Fix: run the same deploy again: the gate is replaced and tries again."`,
    "    exit 1",
    "  fi",
    `  sleep "$interval"`,
    "done",
    "",
  ].join("\n");
};
