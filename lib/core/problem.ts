/**
 * The one shape of everything the toolkit refuses: a config key, an app, a plan item or a file
 * that is wrong, what is wrong with it, and how to fix it. Every check returns
 * `Result<T, Problem[]>`; the terminal and JSON formatters below are the only ways one is shown.
 */
import type { Layer } from "./layerNames.ts";

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

/** A problem before it has a place: what a value parser returns (the caller knows the key). */
export type Unplaced = Pick<Problem, "what" | "fix">;

/** Gives a parser's problem its place, and the value it refused when that may be shown. */
export const placed =
  (where: Where, value?: string) =>
  ({ what, fix }: Unplaced): Problem =>
    problem(where, what, fix, value);

/** The same problem seen from further out: `outer` fills the places `where` leaves open. */
export const within =
  (outer: Where) =>
  (p: Problem): Problem => ({ ...p, where: { ...outer, ...p.where } });

const PLACE_ORDER = ["layer", "file", "key", "app", "part", "object"] as const;

/** `network: ip_address_pool`, `app demo: withNfsVolume "media"`: the place, outside in. */
export const formatWhere = (where: Where): string =>
  PLACE_ORDER.flatMap((part) => {
    const value = where[part];
    if (value === undefined) return [];
    return [part === "app" ? `app ${value}` : value];
  }).join(": ");

/**
 * A key is the subject of its clause (`ip_address_pool = "x" is not an IPv4 range`); any other
 * innermost place (a file, an app's builder, an object) is a location the clause follows after a colon.
 */
const separator = (where: Where): string =>
  where.key !== undefined && where.app === undefined && where.part === undefined && where.object === undefined
    ? " "
    : ": ";

/** Secrets this short are replaced only as whole words, so "short" leaves "shorter" alone. */
const WHOLE_WORD_BELOW = 8;

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `text` with every secret plaintext in it replaced by `[secret]`, longest first. */
const scrub = (text: string, patterns: readonly RegExp[]): string =>
  patterns.reduce((current, pattern) => current.replace(pattern, "[secret]"), text);

/**
 * The problems with every secret plaintext of the stack taken out of every field, whatever key
 * carried it: a token pasted into `domain`, or a plain key that equals a secret, is `[secret]`.
 * Every command applies it to what it is about to print (text and JSON alike).
 */
export const redactProblems = (problems: readonly Problem[], secrets: readonly string[]): Problem[] => {
  const patterns = [...new Set(secrets.flatMap((value) => [value, value.trim()]))]
    .filter((value) => value !== "")
    .sort((a, b) => b.length - a.length)
    .map((value) =>
      value.length >= WHOLE_WORD_BELOW
        ? new RegExp(escaped(value), "g")
        : new RegExp(`(?<![\\w-])${escaped(value)}(?![\\w-])`, "g"),
    );
  if (patterns.length === 0) return [...problems];
  const clean = (text: string) => scrub(text, patterns);
  return problems.map((p) => ({
    where: Object.fromEntries(
      Object.entries(p.where).map(([part, value]) => [
        part,
        typeof value === "string" ? clean(value) : value,
      ]),
    ) as Where,
    what: clean(p.what),
    fix: clean(p.fix),
    ...(p.value === undefined ? {} : { value: clean(p.value) }),
  }));
};

/** One problem for a terminal: the place, the value, what is wrong; the fix on its own line. */
export const formatProblem = (p: Problem): string => {
  const place = `${formatWhere(p.where)}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`}`;
  return `${place === "" ? "" : `${place}${separator(p.where)}`}${p.what}.\n    fix: ${p.fix}`;
};

/** Every problem as JSON, for tools: one object per problem with the same fields. */
export const problemsJson = (problems: readonly Problem[]): string =>
  `${JSON.stringify({ problems }, null, 2)}\n`;
