/**
 * Custom resources after their webhook answers. The provider does not retry a create that an
 * admission webhook refused, and some charts report ready before their webhook serves. So a
 * resource validated by such a webhook must come after a gate for its group (lib/k8s/webhookGate.ts):
 * in the chart's own layer it waits for the gate; in a later layer the gate has already run,
 * because the chart's layer finished only once the gate completed.
 */

import { apiGroupOf } from "../core/plan.ts";
import type { Problem } from "../core/problem.ts";
import { WEBHOOK_GATE_ANNOTATION } from "../k8s/annotations.ts";
import { type Deploy, describe, type ObjectStep, placeOf, type ReleaseStep } from "./model.ts";

const gatesOf = (deploy: Deploy, release: ReleaseStep, group: string): ObjectStep[] =>
  deploy.objects.filter(
    (step) =>
      step.layer === release.layer &&
      step.object.kind === "Job" &&
      (step.object.metadata.annotations?.[WEBHOOK_GATE_ANNOTATION] ?? "").split(",").includes(group) &&
      deploy.inPlaceFor(release, step),
  );

/** The steps that prove `release`'s webhook serves for `group`. */
const readiness = (
  deploy: Deploy,
  release: ReleaseStep,
  group: string,
): readonly (ObjectStep | ReleaseStep)[] => {
  const webhook = release.release.chart.facts.webhook;
  const releaseIsGate = webhook?.readyMeansServing === true && !release.release.skipAwait;
  return [...(releaseIsGate ? [release] : []), ...gatesOf(deploy, release, group)];
};

export const webhookRules = (deploy: Deploy): Problem[] =>
  deploy.releases.flatMap((release) =>
    (release.release.chart.facts.webhook?.groups ?? []).flatMap((group) => {
      const gated = deploy.objects.filter(
        (step) =>
          apiGroupOf(step.object) === group && step.object.kind !== "Job" && step.rank >= release.rank,
      );
      const gates = readiness(deploy, release, group);
      return gated
        .filter((step) => !gates.some((gate) => gate !== step && deploy.inPlaceFor(gate, step)))
        .map((step) => ({
          where: placeOf(step),
          what: `${describe(step.object)} can be created before ${release.item.id}'s webhook answers: the provider does not retry a refused create`,
          fix:
            step.layer === release.layer
              ? `add a webhookGate (lib/k8s/webhookGate.ts) after ${release.item.id} and list its job in the resource's after`
              : `add a webhookGate for ${group} to the ${release.layer} layer`,
        }));
    }),
  );
