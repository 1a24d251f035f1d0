/**
 * The pruner's decision: examples of the rule, then its promises as properties over random lists
 * (schedules, namespaces, hand-made Backups, phases, equal and missing times, Backups restored
 * from), 1,000 runs each.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  type BackupRef,
  type BackupToDelete,
  backupsToPrune,
  backupTime,
  type ListedBackup,
  type ListedCluster,
  restoreSources,
  SCHEDULE_LABEL,
} from "../../../../../lib/layers/storage/pruner/retention.ts";

const RUNS = 1000;

/** A Backup as the API server lists it; `day` is its start (absent: not started, created that day). */
const backup = (
  namespace: string,
  schedule: string | undefined,
  name: string,
  phase: string | undefined,
  day: number,
  started = true,
): ListedBackup => {
  const time = `2026-12-${String(day).padStart(2, "0")}T16:30:00Z`;
  return {
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      creationTimestamp: time,
      labels: { "cnpg.io/cluster": "db", ...(schedule === undefined ? {} : { [SCHEDULE_LABEL]: schedule }) },
    },
    ...(phase === undefined ? {} : { status: { phase, ...(started ? { startedAt: time } : {}) } }),
  };
};

const deleted = (items: ListedBackup[], retain: number, keep: BackupRef[] = []): string[] => {
  const decision = backupsToPrune(items, retain, keep);
  if (!decision.ok) throw new Error(decision.unreadable.join("; "));
  return decision.delete.map((item) => `${item.namespace}/${item.name}`);
};

describe("the pruner's decision, by example", () => {
  test("keeps the newest `retain` completed per schedule and what is newer; deletes what is older, failed ones included", () => {
    const feeds = (day: number, phase?: string) => backup("feeds", "feeds-db", `feeds-db-${day}`, phase, day);
    const items = [
      feeds(1, "completed"),
      feeds(2, "failed"),
      feeds(3, "completed"),
      feeds(4, "completed"),
      feeds(5, "failed"),
      feeds(6, "running"),
      // Another schedule with no more than `retain` completed loses none; one made by hand is never touched.
      backup("notes", "notes-db", "notes-db-1", "completed", 1),
      backup("notes", "notes-db", "notes-db-2", "completed", 2),
      backup("feeds", undefined, "before-upgrade", "completed", 0),
    ];
    expect(deleted(items, 2)).toEqual(["feeds/feeds-db-2", "feeds/feeds-db-1"]);
    expect(deleted(items, 3)).toEqual([]);
  });

  test("orders by the backups' times, not their names; a backup not started yet by its creation", () => {
    const items = [
      backup("a", "db", "db-z-oldest", "completed", 1),
      backup("a", "db", "db-a-newest", "completed", 3),
      backup("a", "db", "db-m", "pending", 2, false),
    ];
    expect(deleted(items, 1)).toEqual(["a/db-m", "a/db-z-oldest"]);
    expect(backupTime(items[2] as ListedBackup)).toBe(Date.UTC(2026, 11, 2, 16, 30));
  });

  test("each delete names the object by its uid, with its schedule", () => {
    const items = [backup("a", "db", "db-1", "completed", 1), backup("a", "db", "db-2", "completed", 2)];
    expect(backupsToPrune(items, 1, [])).toEqual({
      ok: true,
      delete: [{ namespace: "a", name: "db-1", uid: "uid-a-db-1", schedule: "db" }],
      spared: [],
    });
  });

  test("a scheduled Backup it cannot read (no uid, no time) stops everything; a hand-made one does not", () => {
    const good = [backup("a", "db", "db-1", "completed", 1), backup("a", "db", "db-2", "completed", 2)];
    const noUid = backup("b", "other", "other-1", "completed", 1);
    delete noUid.metadata?.uid;
    const badTime = backup("b", "other", "other-2", "completed", 1);
    (badTime.status as { startedAt: string }).startedAt = "yesterday";
    expect(backupsToPrune([...good, noUid, badTime], 1, [])).toEqual({
      ok: false,
      unreadable: [
        "Backup b/other-1 has no name, namespace or uid",
        'Backup b/other-2 has no readable time (status.startedAt "yesterday", metadata.creationTimestamp "2026-12-01T16:30:00Z")',
      ],
    });
    const byHand = { metadata: { name: "x", labels: { [SCHEDULE_LABEL]: "" } } };
    expect(deleted([...good, byHand, null as unknown as ListedBackup], 1)).toEqual(["a/db-1"]);
    const numeric = { ...backup("b", "other", "other-3", "completed", 1), status: { startedAt: 0 } };
    expect(backupsToPrune([numeric as unknown as ListedBackup], 1, []).ok).toBe(false);
  });

  test("retain must be a whole number of at least one", () => {
    for (const retain of [0, -1, 1.5, Number.NaN])
      expect(() => backupsToPrune([], retain, [])).toThrow("retain");
  });

  test("a Backup a Cluster restores from is never deleted, and still counts for the others' retention", () => {
    const items = [1, 2, 3, 4].map((day) => backup("a", "db", `db-${day}`, "completed", day));
    const keep = [
      { namespace: "a", name: "db-1" },
      { namespace: "a", name: "db-4" },
      { namespace: "b", name: "db-2" },
    ];
    const decision = backupsToPrune(items, 1, keep);
    expect(decision).toEqual({
      ok: true,
      delete: [
        { namespace: "a", name: "db-3", uid: "uid-a-db-3", schedule: "db" },
        { namespace: "a", name: "db-2", uid: "uid-a-db-2", schedule: "db" },
      ],
      spared: [{ namespace: "a", name: "db-1", uid: "uid-a-db-1", schedule: "db" }],
    });
  });

  test("the Backups Clusters restore from: spec.bootstrap.recovery.backup.name in the Cluster's namespace", () => {
    const cluster = (namespace: string, name: string, bootstrap: unknown): ListedCluster =>
      ({ metadata: { namespace, name }, spec: { bootstrap } }) as ListedCluster;
    const clusters = [
      cluster("miniflux", "miniflux-db", { initdb: { database: "miniflux" } }),
      cluster("miniflux", "miniflux-db-r20261207163000", {
        recovery: { backup: { name: "miniflux-db-20261207163000" }, database: "miniflux" },
      }),
      cluster("notes", "notes-db-r1", { recovery: { source: "object-store" } }),
      { metadata: { namespace: "x" } },
      null as unknown as ListedCluster,
    ];
    expect(restoreSources(clusters)).toEqual([{ namespace: "miniflux", name: "miniflux-db-20261207163000" }]);
    expect(restoreSources([cluster("a", "r", { recovery: { backup: { name: "" } } })])).toEqual({
      unreadable: [
        'Cluster a/r restores from a Backup it does not name (spec.bootstrap.recovery.backup.name "")',
      ],
    });
    expect(restoreSources([cluster("", "r", { recovery: { backup: { name: "b" } } })])).toEqual({
      unreadable: [
        'Cluster (no namespace)/r restores from a Backup it does not name (spec.bootstrap.recovery.backup.name "b")',
      ],
    });
  });
});

/** Random lists: few names, so schedules collide across namespaces and times tie. */
const listed = fc
  .array(
    fc.record({
      namespace: fc.constantFrom("a", "b"),
      schedule: fc.constantFrom(undefined, "", "db", "db2"),
      phase: fc.constantFrom(undefined, "completed", "completed", "failed", "running", "pending"),
      day: fc.integer({ min: 1, max: 12 }),
      started: fc.boolean(),
    }),
    { maxLength: 24 },
  )
  .map((rows) =>
    rows.map((row, index) => {
      const item = backup(row.namespace, row.schedule, `b${index}`, row.phase, row.day, row.started);
      if (row.schedule === "")
        (item.metadata as { labels: Record<string, string> }).labels[SCHEDULE_LABEL] = "";
      return item;
    }),
  );
const retains = fc.integer({ min: 1, max: 5 });
/** Backups Clusters restore from: names of the list's (b<index>) and beyond it, in either namespace. */
const kept = fc.array(
  fc.record({ namespace: fc.constantFrom("a", "b"), name: fc.nat(30).map((index) => `b${index}`) }),
  { maxLength: 6 },
);

const chosen = (items: ListedBackup[], retain: number, keep: BackupRef[] = []): BackupToDelete[] => {
  const decision = backupsToPrune(items, retain, keep);
  if (!decision.ok) throw new Error("every generated backup is readable");
  return decision.delete;
};
const source = (items: ListedBackup[], doomed: BackupToDelete) =>
  items.find((item) => item.metadata?.uid === doomed.uid) as ListedBackup;
const group = (item: ListedBackup) =>
  `${item.metadata?.namespace} ${item.metadata?.labels?.[SCHEDULE_LABEL]}`;

describe("the pruner's promises, for any list", () => {
  test("it never deletes one of a schedule's newest `retain` completed: `retain` others as new remain", () => {
    fc.assert(
      fc.property(listed, retains, (items, retain) =>
        chosen(items, retain).every((doomed) => {
          const it = source(items, doomed);
          const asNewCompleted = items.filter(
            (other) =>
              other !== it &&
              other.status?.phase === "completed" &&
              group(other) === group(it) &&
              backupTime(other) >= backupTime(it),
          );
          return asNewCompleted.length >= retain;
        }),
      ),
      { numRuns: RUNS },
    );
  });

  test("it never deletes a Backup made by hand (no label, or an empty one)", () => {
    fc.assert(
      fc.property(listed, retains, (items, retain) =>
        chosen(items, retain).every((doomed) => {
          const schedule = source(items, doomed).metadata?.labels?.[SCHEDULE_LABEL];
          return schedule !== undefined && schedule !== "" && schedule === doomed.schedule;
        }),
      ),
      { numRuns: RUNS },
    );
  });

  test("it never decides across schedules: the whole list's choice is each schedule's own, whatever the order", () => {
    fc.assert(
      fc.property(listed, retains, fc.nat(24), (items, retain, turn) => {
        const uids = (list: BackupToDelete[]) => list.map((item) => item.uid).sort();
        const apart = [...new Set(items.map(group))].flatMap((key) =>
          chosen(
            items.filter((item) => group(item) === key),
            retain,
          ),
        );
        /* Another order of the same list: rotated by `turn`, then reversed. */
        const shuffled = [...items.slice(turn), ...items.slice(0, turn)].reverse();
        const whole = uids(chosen(items, retain));
        return (
          JSON.stringify(whole) === JSON.stringify(uids(apart)) &&
          JSON.stringify(whole) === JSON.stringify(uids(chosen(shuffled, retain)))
        );
      }),
      { numRuns: RUNS },
    );
  });

  test("it never deletes a Backup a Cluster restores from, and keeping one changes no other's fate", () => {
    fc.assert(
      fc.property(listed, retains, kept, (items, retain, keep) => {
        const isKept = (doomed: BackupToDelete) =>
          keep.some((ref) => ref.namespace === doomed.namespace && ref.name === doomed.name);
        const uids = (list: BackupToDelete[]) => list.map((item) => item.uid).sort();
        const withKeep = chosen(items, retain, keep);
        const without = chosen(items, retain).filter((doomed) => !isKept(doomed));
        return !withKeep.some(isKept) && JSON.stringify(uids(withKeep)) === JSON.stringify(uids(without));
      }),
      { numRuns: RUNS },
    );
  });

  test("it is idempotent: pruning what it leaves deletes nothing", () => {
    fc.assert(
      fc.property(listed, retains, (items, retain) => {
        const gone = new Set(chosen(items, retain).map((item) => item.uid));
        return (
          chosen(
            items.filter((item) => !gone.has(item.metadata?.uid ?? "")),
            retain,
          ).length === 0
        );
      }),
      { numRuns: RUNS },
    );
  });
});
