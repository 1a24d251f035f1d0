/**
 * The auth layer's Pulumi edge: Pocket ID, Tinyauth, the forwardAuth middleware and the protected
 * UIs of earlier layers, from the pure plan in lib/auth/plan.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "../../lib/apps/validate.ts";
import { authPlan } from "../../lib/auth/plan.ts";
import { firstDeploySteps, setupSummary } from "../../lib/auth/setup.ts";
import {
  type authContract,
  type ContractExports,
  networkContract,
  storageContract,
} from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

export const authProgram = defineProgram({
  layer: "auth",
  reads: { network: networkContract, storage: storageContract },
  run: ({
    config,
    upstream,
    createPlan,
  }): ContractExports<typeof authContract> & { tinyauthStatus: string } => {
    const planned = authPlan({ config, network: upstream.network, storage: upstream.storage });
    // Pocket ID and Tinyauth are apps: their render fails only on a broken spec or a missing secret.
    if (planned.isErr()) throw new pulumi.RunError(planned.error.map(formatProblem).join("\n"));
    const plan = planned.value;
    // The Traefik CRDs (Middleware, IngressRoute) come from the network layer's charts in another
    // stack: no dependsOn on a chart is possible here; deploying the network layer first provides them.
    createPlan({ releases: [], objects: plan.objects });
    if (!plan.tinyauthConfigured) {
      pulumi.log.warn(
        ["First deploy of the auth layer.", ...firstDeploySteps(upstream.network.domain)].join("\n"),
      );
    }
    return {
      ...plan.exports,
      tinyauthStatus: plan.tinyauthConfigured ? "configured" : "waiting for tinyauth_oauth_client_id/secret",
    };
  },
  summarize: ({ config, upstream }) =>
    setupSummary(
      config.tinyauthOauthClientId !== undefined && config.tinyauthOauthClientSecret !== undefined,
      config.tinyauthAllowedUsers,
      upstream.network.domain,
    ),
});
