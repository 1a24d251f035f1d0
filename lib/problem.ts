/**
 * The one shape of everything the toolkit refuses: a config key, an app, a plan item or a file
 * that is wrong, what is wrong with it, and how to fix it. Every check returns
 * `Result<T, Problem[]>`; the terminal and JSON formatters below are the only ways one is shown.
 */
import type { Layer } from "./layers.ts";

/** Where a problem is, from the outside in; only the parts that apply are set. */
export interface Where {
  layer?: Layer;
  /** A file, with `:line:column` when known (a stack file, an app module). */
  file?: string;
  /** A config key, e.g. `ip_address_pool`. */
  key?: string;
  app?: string;
  /** The builder or option inside an app, e.g. `withNfsVolume "media"`. */
  part?: string;
  /** A plan id (the Pulumi resource name), e.g. `deployment/pocket-id/pocket-id`. */
  object?: string;
}

export interface Problem {
  where: Where;
  /** The offending value as the user wrote it; never a secret's (`[secret]` instead). */
  value?: string;
  /** What is wrong, as a clause that reads after the place: "is not an IPv4 address". */
  what: string;
  fix: string;
}

export const problem = (where: Where, what: string, fix: string, value?: string): Problem => ({
  where,
  what,
  fix,
  ...(value === undefined ? {} : { value }),
});

const PLACE_ORDER = ["layer", "file", "key", "app", "part", "object"] as const;

/** `network: ip_address_pool`, `app demo: withNfsVolume "media"`: the place, outside in. */
export const formatWhere = (where: Where): string =>
  PLACE_ORDER.flatMap((part) => {
    const value = where[part];
    if (value === undefined) return [];
    return [part === "app" ? `app ${value}` : value];
  }).join(": ");

/** One problem for a terminal: the place, the value, what is wrong; the fix on its own line. */
export const formatProblem = (p: Problem): string =>
  `${formatWhere(p.where)}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`} ${p.what}.\n    fix: ${p.fix}`;

/** Every problem as JSON, for tools: one object per problem with the same fields. */
export const problemsJson = (problems: readonly Problem[]): string =>
  `${JSON.stringify({ problems }, null, 2)}\n`;
