/**
 * The preflight: a pure check of every layer's plan, in deploy order, against what the Kubernetes
 * provider and a control-plane-only Talos cluster will do on a real first deploy. It runs in
 * `render`, `validate` and CI; each problem names the object and the fix.
 */

import type { Problem } from "../core/problem.ts";
import { awaitRules } from "./awaits.ts";
import { crdRules } from "./crds.ts";
import { type LanDns, lanDnsRules } from "./lanDns.ts";
import { type LayerPlan, modelDeploy } from "./model.ts";
import { oidcRules } from "./oidc.ts";
import { restoreRules } from "./restores.ts";
import { tolerationRules } from "./tolerations.ts";
import { webhookRules } from "./webhooks.ts";

export { lanDnsOf } from "./lanDns.ts";
export type { LanDns, LayerPlan };

export const preflight = (layers: readonly LayerPlan[], lan: LanDns): Problem[] => {
  const deploy = modelDeploy(layers);
  return [
    ...crdRules(deploy),
    ...tolerationRules(deploy),
    ...awaitRules(deploy),
    ...webhookRules(deploy),
    ...lanDnsRules(deploy, lan),
    ...oidcRules(deploy),
    ...restoreRules(deploy),
  ];
};
