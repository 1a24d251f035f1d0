/**
 * The auth layer's Pulumi edge: Pocket ID, Tinyauth, the forwardAuth middleware and the protected
 * UIs of earlier layers, from the pure plan in lib/auth/plan.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AuthPlan, PlannedObject } from "../../lib/auth/plan.ts";
import { authPlan } from "../../lib/auth/plan.ts";
import { firstDeploySteps, setupSummary } from "../../lib/auth/setup.ts";
import { reveal } from "../../lib/config/secret.ts";
import {
  type authContract,
  type ContractExports,
  networkContract,
  storageContract,
} from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

/** Data is sacred: volumes survive `pulumi destroy` and refuse accidental replacement. */
const DATA: pulumi.CustomResourceOptions = { protect: true, retainOnDelete: true };

const createResource = (planned: PlannedObject, opts: pulumi.CustomResourceOptions): pulumi.Resource => {
  switch (planned.kind) {
    case "Namespace":
      return new k8s.core.v1.Namespace(planned.resource, planned.object, opts);
    case "Secret":
      return new k8s.core.v1.Secret(
        planned.resource,
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: planned.name, namespace: planned.namespace, labels: planned.labels },
          type: "Opaque",
          // The only place a plaintext leaves its Secret wrapper, immediately as a Pulumi secret.
          stringData: Object.fromEntries(
            Object.entries(planned.values).map(([key, value]) => [key, pulumi.secret(reveal(value))]),
          ),
        },
        opts,
      );
    case "PersistentVolumeClaim":
      return new k8s.core.v1.PersistentVolumeClaim(planned.resource, planned.object, { ...opts, ...DATA });
    case "Deployment":
      return new k8s.apps.v1.Deployment(planned.resource, planned.object, opts);
    case "Service":
      return new k8s.core.v1.Service(planned.resource, planned.object, opts);
    case "Ingress":
      return new k8s.networking.v1.Ingress(planned.resource, planned.object, opts);
    case "Middleware":
    case "IngressRoute":
      // The Traefik CRDs are installed by the network layer's Traefik charts, in another stack:
      // no dependsOn on a chart is possible here; deploying the network layer first guarantees them.
      return new k8s.apiextensions.CustomResource(
        planned.resource,
        planned.object as unknown as k8s.apiextensions.CustomResourceArgs,
        opts,
      );
  }
};

/** Creates every planned object in order, each after the resources it names. */
export const createPlan = (plan: AuthPlan): Map<string, pulumi.Resource> => {
  const created = new Map<string, pulumi.Resource>();
  for (const planned of plan.objects) {
    const dependsOn = planned.after.map((name) => {
      const resource = created.get(name);
      if (!resource) throw new Error(`auth plan: ${planned.resource} comes after unknown ${name}`);
      return resource;
    });
    created.set(planned.resource, createResource(planned, { dependsOn }));
  }
  return created;
};

export const authProgram = defineProgram({
  layer: "auth",
  reads: { network: networkContract, storage: storageContract },
  run: ({ config, upstream }): ContractExports<typeof authContract> & { tinyauthStatus: string } => {
    const plan = authPlan({ config, network: upstream.network, storage: upstream.storage });
    createPlan(plan);
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
