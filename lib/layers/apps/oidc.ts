/**
 * The apps layer's OIDC client step: every `withOidc` client and every Pocket ID group an app names
 * (withAuth or withOidc). Planned even without a client, so removing the last `withOidc` app still
 * deletes its client; clients of the auth layer (another prefix) are never touched.
 */
import { oidcClientOf } from "../../app/oidc.ts";
import type { AppContracts } from "../../app/render.ts";
import type { AppSpec } from "../../app/spec.ts";
import type { PlannedObject } from "../../core/plan.ts";
import { type OidcStepOptions, oidcClientStep, readersWaitFor } from "../../oidc/reconcile.ts";

type Planned = readonly { spec: AppSpec; objects: readonly PlannedObject[] }[];

/** Each group any app names, once, in name order (the Job's name hashes the list). */
const groupsOf = (specs: readonly AppSpec[]): string[] =>
  [...new Set(specs.flatMap((spec) => [...(spec.auth?.groups ?? []), ...(spec.oidc?.groups ?? [])]))].sort();

/** The apps layer's step: every withOidc client, every group an app names. */
export const appsStep = (apps: Planned, contracts: AppContracts): OidcStepOptions => {
  const { auth } = contracts;
  const context = { ...contracts, layer: "apps" as const };
  const specs = apps.map((planned) => planned.spec);
  return {
    layer: "apps",
    namespace: auth.pocketIdNamespace,
    pocketIdUrl: auth.pocketIdInternalUrl,
    apiKeySecret: auth.pocketIdApiKeySecret,
    groups: groupsOf(specs).map((name) => ({ name, friendlyName: name })),
    clients: specs.flatMap((spec) => oidcClientOf(spec, context) ?? []),
    // Pocket ID (namespace, Secret, Deployment) is the auth stack's: deployed and awaited before this layer.
    after: [],
  };
};

/** The apps' objects, those reading a client Secret after the step, and the step's own objects. */
export const withOidcStep = (apps: Planned, options: OidcStepOptions): PlannedObject[] => {
  const step = oidcClientStep(options);
  return [
    ...readersWaitFor(
      apps.flatMap((planned) => planned.objects),
      step,
      options.clients,
    ),
    ...step.objects,
  ];
};
