/**
 * The preflight: a pure check of every layer's plan, in deploy order, against what the Kubernetes
 * provider and a control-plane-only Talos cluster will do on a real first deploy. It runs in
 * `render`, `validate` and CI; each problem names the object and the fix.
 */

import type { Problem } from "../core/problem.ts";
import { awaitRules } from "./awaits.ts";
import { crdRules } from "./crds.ts";
import { type LanDns, lanDnsRules } from "./lanDns.ts";
import { type Deploy, type LayerPlan, modelDeploy } from "./model.ts";
import { oidcRules } from "./oidc.ts";
import { restoreRules } from "./restores.ts";
import { tolerationRules } from "./tolerations.ts";
import { webhookRules } from "./webhooks.ts";

export { lanDnsOf } from "./lanDns.ts";
export type { LanDns, LayerPlan };

/** Every rule of the preflight, in the order it checks them, each named as the render reports it. */
const RULES: readonly { name: string; check: (deploy: Deploy, lan: LanDns) => Problem[] }[] = [
  { name: "one release per CRD", check: crdRules },
  { name: "control-plane tolerations", check: tolerationRules },
  { name: "awaits", check: awaitRules },
  { name: "webhook gates", check: webhookRules },
  { name: "one LAN IP per host", check: lanDnsRules },
  { name: "OIDC callbacks on served hosts", check: oidcRules },
  { name: "restores beside their live database", check: restoreRules },
];

export const PREFLIGHT_RULES = RULES.map((rule) => rule.name);

export const preflight = (layers: readonly LayerPlan[], lan: LanDns): Problem[] => {
  const deploy = modelDeploy(layers);
  return RULES.flatMap((rule) => rule.check(deploy, lan));
};
