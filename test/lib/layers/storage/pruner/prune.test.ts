/**
 * The pruner's I/O, in process: `prune` against an in-memory API server that answers as
 * kube-apiserver does (a List, a Status on refusal, 404 for what is gone, 409 when a uid
 * precondition fails) and records each call. verify:cluster runs the program against a real one.
 */
import { describe, expect, test } from "bun:test";
import {
  type Answer,
  CLUSTERS_PATH,
  type Io,
  LIST_PATH,
  parseArgs,
  prune,
} from "../../../../../lib/layers/storage/pruner/prune.ts";
import type { ListedBackup, ListedCluster } from "../../../../../lib/layers/storage/pruner/retention.ts";

const backup = (name: string, day: number, phase = "completed"): ListedBackup => ({
  metadata: {
    name,
    namespace: "miniflux",
    uid: `uid-${name}`,
    creationTimestamp: `2026-12-0${day}T16:30:00Z`,
    labels: { "cnpg.io/scheduled-backup": "miniflux-db" },
  },
  status: { phase, startedAt: `2026-12-0${day}T16:30:01Z` },
});

const status = (code: number, message: string): Answer => ({
  status: code,
  text: JSON.stringify({ kind: "Status", status: "Failure", message, code }),
});

/** The live database, and a restored copy of it bootstrapped from `from` (withPostgres restore). */
const clusters = (from?: string): ListedCluster[] => [
  { metadata: { name: "miniflux-db", namespace: "miniflux" }, spec: { bootstrap: {} } },
  ...(from === undefined
    ? []
    : [
        {
          metadata: { name: "miniflux-db-r1", namespace: "miniflux" },
          spec: { bootstrap: { recovery: { backup: { name: from } } } },
        },
      ]),
];

/**
 * An API server holding `items` and `clusters`; `list` and `clusterList` override the answers to
 * the two lists, `deleteAnswer` the answer to a DELETE of one name.
 */
const server = (
  items: ListedBackup[],
  list?: Answer,
  deleteAnswer: Record<string, Answer> = {},
  world: { clusters?: ListedCluster[]; clusterList?: Answer } = {},
) => {
  const calls: string[] = [];
  const lines: string[] = [];
  const listOf = (kind: string, listed: unknown[]) => ({
    status: 200,
    text: JSON.stringify({ kind, items: listed, metadata: {} }),
  });
  const io: Io = {
    send: async (method, path, body) => {
      calls.push(`${method} ${path}${body === undefined ? "" : ` ${JSON.stringify(body)}`}`);
      if (method === "GET" && path === CLUSTERS_PATH)
        return world.clusterList ?? listOf("ClusterList", world.clusters ?? clusters());
      if (method === "GET") return list ?? listOf("BackupList", items);
      const name = path.split("/").at(-1) ?? "";
      return deleteAnswer[name] ?? { status: 200, text: JSON.stringify({ kind: "Backup" }) };
    },
    log: (line) => lines.push(line),
  };
  return { io, calls, lines };
};

const items = [backup("db-1", 1), backup("db-2", 2, "failed"), backup("db-3", 3), backup("db-4", 4)];

describe("the pruner, run", () => {
  test("lists the scheduled Backups, deletes each chosen one with its uid as precondition, logs each", async () => {
    const world = server(items);
    expect(await prune(world.io, 2)).toBe(true);
    expect(world.calls).toEqual([
      "GET /apis/postgresql.cnpg.io/v1/backups?labelSelector=cnpg.io%2Fscheduled-backup",
      "GET /apis/postgresql.cnpg.io/v1/clusters",
      'DELETE /apis/postgresql.cnpg.io/v1/namespaces/miniflux/backups/db-2 {"apiVersion":"v1","kind":"DeleteOptions","preconditions":{"uid":"uid-db-2"}}',
      'DELETE /apis/postgresql.cnpg.io/v1/namespaces/miniflux/backups/db-1 {"apiVersion":"v1","kind":"DeleteOptions","preconditions":{"uid":"uid-db-1"}}',
    ]);
    expect(world.lines).toEqual([
      "4 scheduled backups listed; keeping the newest 2 completed per schedule; 2 to delete",
      "deleted miniflux/db-2 (schedule miniflux-db)",
      "deleted miniflux/db-1 (schedule miniflux-db)",
    ]);
  });

  test("a Backup already gone counts as deleted", async () => {
    const world = server(items, undefined, {
      "db-2": status(404, 'backups.postgresql.cnpg.io "db-2" not found'),
    });
    expect(await prune(world.io, 2)).toBe(true);
    expect(world.lines).toContain("miniflux/db-2 (schedule miniflux-db): already gone");
  });

  test("a refused delete stops it, naming the Backup and the server's message", async () => {
    const refusal = status(
      409,
      "Precondition failed: UID in precondition: uid-db-2, UID in object meta: other",
    );
    const world = server(items, undefined, { "db-2": refusal });
    expect(await prune(world.io, 2)).toBe(false);
    expect(world.calls).toHaveLength(3);
    expect(world.lines.at(-1)).toBe(
      "FAILED: deleting miniflux/db-2 (DELETE /apis/postgresql.cnpg.io/v1/namespaces/miniflux/backups/db-2) answered 409: Precondition failed: UID in precondition: uid-db-2, UID in object meta: other",
    );
  });

  test("a list it cannot trust deletes nothing: refused, not JSON, no items, in pages, or an unreadable Backup", async () => {
    const unreadable = { ...backup("db-5", 5), status: { phase: "completed", startedAt: "soon" } };
    const cases: [Answer | undefined, ListedBackup[], string][] = [
      [
        status(403, "backups is forbidden"),
        items,
        `FAILED: listing the backups (GET ${LIST_PATH}) answered 403: backups is forbidden; nothing deleted`,
      ],
      [
        { status: 200, text: "<html>" },
        items,
        "FAILED: listing the backups answered no JSON: <html>; nothing deleted",
      ],
      [
        { status: 200, text: "{}" },
        items,
        "FAILED: listing the backups answered no items array; nothing deleted",
      ],
      [
        { status: 200, text: JSON.stringify({ items, metadata: { continue: "abc" } }) },
        items,
        "FAILED: listing the backups answered part of the list (a continue token); nothing deleted",
      ],
      [
        undefined,
        [...items, unreadable],
        "nothing deleted: a scheduled Backup it cannot read might be one to keep",
      ],
    ];
    for (const [list, listed, line] of cases) {
      const world = server(listed, list);
      expect(await prune(world.io, 1)).toBe(false);
      expect(world.calls.filter((call) => call.startsWith("DELETE"))).toEqual([]);
      expect(world.lines.at(-1)).toBe(line);
    }
  });

  test("keeps a Backup a Cluster restores from, saying so; the others go as before", async () => {
    const world = server(items, undefined, {}, { clusters: clusters("db-1") });
    expect(await prune(world.io, 2)).toBe(true);
    expect(world.calls.filter((call) => call.startsWith("DELETE"))).toHaveLength(1);
    expect(world.lines).toEqual([
      "4 scheduled backups listed; keeping the newest 2 completed per schedule; 1 to delete",
      "kept miniflux/db-1 (schedule miniflux-db): a Cluster restores from it",
      "deleted miniflux/db-2 (schedule miniflux-db)",
    ]);
  });

  test("without a readable list of the Clusters it deletes nothing: refused, not JSON, in pages, or a source it cannot read", async () => {
    const unnamed = {
      metadata: { name: "r", namespace: "miniflux" },
      spec: { bootstrap: { recovery: { backup: {} } } },
    };
    const cases: [{ clusters?: ListedCluster[]; clusterList?: Answer }, string][] = [
      [
        { clusterList: status(403, "clusters.postgresql.cnpg.io is forbidden") },
        `FAILED: listing the clusters (GET ${CLUSTERS_PATH}) answered 403: clusters.postgresql.cnpg.io is forbidden`,
      ],
      [
        { clusterList: { status: 200, text: "<html>" } },
        "FAILED: listing the clusters answered no JSON: <html>",
      ],
      [
        { clusterList: { status: 200, text: JSON.stringify({ items: [], metadata: { continue: "abc" } }) } },
        "FAILED: listing the clusters answered part of the list (a continue token)",
      ],
      [
        { clusters: [...clusters(), unnamed] },
        "FAILED: Cluster miniflux/r restores from a Backup it does not name (spec.bootstrap.recovery.backup.name undefined)",
      ],
    ];
    for (const [clusterWorld, line] of cases) {
      const world = server(items, undefined, {}, clusterWorld);
      expect(await prune(world.io, 1)).toBe(false);
      expect(world.calls.filter((call) => call.startsWith("DELETE"))).toEqual([]);
      expect(world.lines).toEqual([
        line,
        "nothing deleted: without knowing which Backups Clusters restore from, any might be one",
      ]);
    }
  });

  test("its command line: retain, then the API server and the account folder for a test run", () => {
    expect(parseArgs(["7"])).toEqual({
      retain: 7,
      api: "https://kubernetes.default.svc",
      account: "/var/run/secrets/kubernetes.io/serviceaccount",
    });
    expect(parseArgs(["3", "https://127.0.0.1:6443", "/tmp/sa"])).toEqual({
      retain: 3,
      api: "https://127.0.0.1:6443",
      account: "/tmp/sa",
    });
    for (const bad of [[], ["0"], ["07"], ["1.5"], ["seven"]])
      expect(parseArgs(bad)).toStartWith("retain must be a whole number >= 1");
  });
});
