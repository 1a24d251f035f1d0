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
  [SOURCE_LABEL]: "enabled",
  ...Object.fromEntries(groups.map((group) => [recurringJobGroupLabel(group), "enabled"])),
});

const SOURCE_LABEL = "recurring-job.longhorn.io/source";
const GROUP_LABEL_PREFIX = "recurring-job-group.longhorn.io/";

/** The label that puts a volume (or a claim marked as source) into a recurring-job group. */
export const recurringJobGroupLabel = (group: string): string => `${GROUP_LABEL_PREFIX}${group}`;

/** The groups a claim's labels put its volume into (none unless the claim is marked as their source), sorted. */
export const recurringJobGroupsOf = (labels: Readonly<Record<string, string>>): string[] =>
  labels[SOURCE_LABEL] !== "enabled"
    ? []
    : Object.entries(labels)
        .filter(([key, value]) => key.startsWith(GROUP_LABEL_PREFIX) && value === "enabled")
        .map(([key]) => key.slice(GROUP_LABEL_PREFIX.length))
        .sort();
