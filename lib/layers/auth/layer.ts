/**
 * The auth layer as one value: Pocket ID, Tinyauth, the forwardAuth middleware and the protected
 * UIs of earlier layers; the auth contract; the first-deploy walk-through.
 */
import { type AuthContract, networkContract, storageContract } from "../../core/contracts.ts";
import { defineLayer } from "../../core/layer.ts";
import { type AuthConfig, authConfigSchema } from "./config.ts";
import { authExports, authPlan } from "./plan.ts";
import { firstDeploySteps, setupSummary } from "./setup.ts";

const configured = (config: AuthConfig): boolean =>
  config.tinyauthOauthClientId !== undefined && config.tinyauthOauthClientSecret !== undefined;

export const authLayer = defineLayer({
  layer: "auth",
  schema: authConfigSchema,
  reads: { network: networkContract, storage: storageContract },
  // The Traefik CRDs (Middleware, IngressRoute) come from the network layer's charts, deployed
  // earlier in another stack: nothing here can wait for them, and nothing needs to.
  evaluate: (config, reads) =>
    authPlan({ config, ...reads }).map(({ objects }) => {
      const ready = configured(config);
      const exports: AuthContract & { tinyauthStatus: string } = {
        ...authExports(reads.network),
        tinyauthStatus: ready ? "configured" : "waiting for tinyauth_oauth_client_id/secret",
      };
      return {
        plan: { releases: [], objects },
        exports,
        summary: setupSummary(ready, config.tinyauthAllowedUsers, reads.network.domain),
        notices: ready
          ? []
          : [["First deploy of the auth layer.", ...firstDeploySteps(reads.network.domain)].join("\n")],
      };
    }),
});
