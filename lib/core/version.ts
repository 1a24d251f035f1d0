/**
 * The one version comparison, for the tools the commands and the harness need at a minimum
 * version: the Pulumi CLI (cli/pulumi.ts) and Go (harness/gobuild/go.ts).
 */

/**
 * Whether the first version in `text` (a tool's output such as `v3.227.0` or `go version go1.26.8
 * linux/amd64`) is `minimum` or later, compared number by number; the version must have as many
 * dotted numbers as `minimum`. False when `text` holds no such version.
 */
export const versionAtLeast = (text: string, minimum: readonly number[]): boolean => {
  const pattern = new RegExp(minimum.map(() => "(\\d+)").join("\\."));
  const parts = (pattern.exec(text) ?? []).slice(1).map(Number);
  if (parts.length !== minimum.length || minimum.length === 0) return false;
  for (const [i, want] of minimum.entries()) {
    const have = parts[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
};
