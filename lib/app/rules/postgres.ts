/** withPostgres: the CloudNativePG cluster and the variables that reach it. */

import { backupSource } from "../../k8s/cnpgRestores.ts";
import { isOversized, isPositiveSize, MAX_VOLUME_SIZE, PG_IDENTIFIER } from "../predicates.ts";
import { liveCluster } from "../restore.ts";
import { type AppSpec, POSTGRES_FIELDS } from "../spec.ts";
import { type AppRule, inApp, when } from "./rule.ts";

/**
 * A restore names a backup of this app's own live database: `<app>-db-<YYYYMMDDhhmmss>`, the name
 * its ScheduledBackup gives each Backup. A backup of another app's database, or of an earlier
 * restored copy, would put foreign or unexpected data under this app's name.
 */
const restoreProblems = (spec: AppSpec) => {
  const from = spec.postgres?.restore?.from;
  if (from === undefined) return [];
  const live = liveCluster(spec);
  const fix = `name one of its backups, \`${live}-<YYYYMMDDhhmmss>\` as \`bun run backups\` lists them (kubectl get backups.postgresql.cnpg.io -n <namespace>)`;
  const source = backupSource(from);
  if (source === undefined)
    return [
      inApp(
        spec,
        "withPostgres",
        `restore.from ${JSON.stringify(from)} is not the name of a scheduled backup`,
        fix,
      ),
    ];
  if (source.cluster !== live)
    return [
      inApp(
        spec,
        "withPostgres",
        `restore.from ${JSON.stringify(from)} is a backup of ${source.cluster}, not of this app's database ${live}`,
        fix,
      ),
    ];
  return [];
};

export const postgresRule: AppRule = (spec) => {
  const pg = spec.postgres;
  if (pg === undefined) return [];
  const fields = Object.keys(pg.env);
  const at = (what: string, fix: string) => inApp(spec, "withPostgres", what, fix);
  return [
    ...when(!(Number.isInteger(pg.instances) && pg.instances >= 1), () =>
      at(`instances ${pg.instances} is not a whole number >= 1`, "use instances: 1 (or more for replicas)"),
    ),
    ...when(!PG_IDENTIFIER.test(pg.database), () =>
      at(
        `database ${JSON.stringify(pg.database)} is not a plain Postgres name`,
        "use lowercase letters, digits and underscores, e.g. miniflux",
      ),
    ),
    ...when(!isPositiveSize(pg.size), () =>
      at(`size ${JSON.stringify(pg.size)} is not a storage quantity above zero`, "write e.g. 5Gi"),
    ),
    ...when(isOversized(pg.size), () =>
      at(
        `size ${JSON.stringify(pg.size)} is above ${MAX_VOLUME_SIZE}, more than a homelab disk holds`,
        `check the unit (e.g. 50Gi, not 50Ti); at most ${MAX_VOLUME_SIZE}`,
      ),
    ),
    ...when(fields.length === 0, () =>
      at(
        "env names no variable, so the app cannot reach its database",
        'add e.g. env: { url: "DATABASE_URL" }',
      ),
    ),
    ...fields
      .filter((field) => !(field in POSTGRES_FIELDS))
      .map((field) =>
        at(`env field ${field} is unknown`, `use one of: ${Object.keys(POSTGRES_FIELDS).join(", ")}`),
      ),
    ...restoreProblems(spec),
  ];
};
