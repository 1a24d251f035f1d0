/**
 * Longhorn facts every layer may read: the recurring-job group labels live here, below the storage
 * layer that defines the jobs, so a layer deploying before storage can label its claims.
 */

/**
 * Labels that put a claim's Longhorn volume into recurring-job groups. Longhorn copies group labels
 * from a PVC to its volume only when the PVC is marked as their source; without that label the
 * jobs select nothing and the volume is never backed up.
 */
export const recurringJobGroupLabels = (groups: readonly string[]): Record<string, string> => ({
  "recurring-job.longhorn.io/source": "enabled",
  ...Object.fromEntries(groups.map((group) => [`recurring-job-group.longhorn.io/${group}`, "enabled"])),
});
