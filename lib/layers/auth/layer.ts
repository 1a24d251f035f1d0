/**
 * The auth layer as one value: Pocket ID, the OIDC client step, Tinyauth, the forwardAuth middleware
 * and the protected UIs of earlier layers; the auth contract; what the operator does after a deploy.
 */
import { networkContract, storageContract } from "../../core/contracts.ts";
import { defineLayer } from "../../core/layer.ts";
import { stepSummary } from "../../oidc/reconcile.ts";
import { type AuthConfig, authConfigSchema } from "./config.ts";
import { authPlan } from "./plan.ts";
import { deprecatedClientNotice, setupSummary } from "./setup.ts";

const deprecatedKeys = (config: AuthConfig): string[] => [
  ...(config.tinyauthOauthClientId === undefined ? [] : ["tinyauth_oauth_client_id"]),
  ...(config.tinyauthOauthClientSecret === undefined ? [] : ["tinyauth_oauth_client_secret"]),
];

export const authLayer = defineLayer({
  layer: "auth",
  schema: authConfigSchema,
  reads: { network: networkContract, storage: storageContract },
  // The Traefik CRDs (Middleware, IngressRoute) come from the network layer's charts, deployed
  // earlier in another stack: nothing here can wait for them, and nothing needs to.
  evaluate: (config, reads) =>
    authPlan({ config, ...reads }).map(({ objects, exports, step }) => {
      const notice = deprecatedClientNotice(deprecatedKeys(config));
      return {
        plan: { releases: [], objects },
        exports,
        summary: [...setupSummary(reads.network.domain, config.tinyauthAllowedUsers), ...stepSummary(step)],
        notices: notice === undefined ? [] : [notice],
      };
    }),
});
