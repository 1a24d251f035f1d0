/**
 * Platform services (Pocket ID, Tinyauth, Pi-hole) are apps: the layer that owns one validates
 * its spec with the same rules as a user app and renders it with the same renderer. Only the
 * user-app checks (reserved namespaces and hosts, file names) do not apply: the platform owns those.
 */
import { err, ok, Result } from "neverthrow";
import type { PlannedObject } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { mergeAppObjects } from "./merge.ts";
import { type RenderContext, renderApp } from "./render.ts";
import type { AppSecrets } from "./secrets.ts";
import type { AppSpec } from "./spec.ts";
import { validateApp } from "./validate.ts";

const validated = (spec: AppSpec): Result<AppSpec, Problem[]> => {
  const problems = validateApp(spec);
  return problems.length > 0 ? err(problems) : ok(spec);
};

/** Every object of the layer's platform apps, an object they share (their namespace) once. */
export const renderPlatformApps = (
  specs: readonly AppSpec[],
  context: RenderContext,
  secrets: AppSecrets,
): Result<PlannedObject[], Problem[]> =>
  Result.combineWithAllErrors(
    specs.map((spec) => validated(spec).andThen((valid) => renderApp(valid, context, secrets))),
  )
    .mapErr((problems) => problems.flat())
    .andThen(mergeAppObjects);
