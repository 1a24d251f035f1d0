/**
 * The shape of an app rule: one concern of an app spec (its volumes, its exposure, its env...),
 * checked on its own, returning every problem of that concern. `validateApp` is their concatenation.
 */
import { type Problem, problem } from "../../core/problem.ts";
import type { AppSpec } from "../spec.ts";

export type AppRule = (spec: AppSpec) => Problem[];

/** The app's name as written, even when a caller passed something that is not a string. */
export const appName = (spec: AppSpec): string =>
  typeof spec.name === "string" ? spec.name : String(spec.name);

/** A problem in one part of the app: a builder or option, e.g. `withNfsVolume "media"`. */
export const inApp = (spec: AppSpec, part: string, what: string, fix: string): Problem =>
  problem({ app: appName(spec), part }, what, fix);

/** The problem when `broken` holds, else none: keeps each rule a flat list of checks. */
export const when = (broken: boolean, found: () => Problem): Problem[] => (broken ? [found()] : []);
