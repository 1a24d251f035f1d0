/**
 * The network layer's Pulumi edge: turns the pure plan (lib/network) into resources one-to-one,
 * reveals secrets only into Secret objects and the Cloudflare provider, and looks up the zone.
 */
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { getZones } from "@pulumi/cloudflare/getZones";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { reveal } from "../../lib/config/secret.ts";
import type { ContractExports, networkContract } from "../../lib/contracts.ts";
import { externalRecordSpec, pickZone } from "../../lib/network/cloudflare.ts";
import type { NetworkConfig } from "../../lib/network/config.ts";
import { networkExports, networkPlan, networkSummary } from "../../lib/network/layer.ts";
import type {
  ChartRelease,
  KubeObject,
  NetworkPlan,
  PlannedObject,
  PlannedSecret,
} from "../../lib/network/plan.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

type Item =
  | { kind: "object"; item: PlannedObject }
  | { kind: "secret"; item: PlannedSecret }
  | { kind: "release"; item: ChartRelease };

const createObject = (
  object: KubeObject,
  name: string,
  opts: pulumi.CustomResourceOptions,
): pulumi.Resource => {
  switch (object.kind) {
    case "Namespace":
      return new k8s.core.v1.Namespace(name, object as k8s.core.v1.NamespaceArgs, opts);
    case "Service":
      return new k8s.core.v1.Service(name, object as k8s.core.v1.ServiceArgs, opts);
    case "PersistentVolumeClaim":
      return new k8s.core.v1.PersistentVolumeClaim(
        name,
        object as k8s.core.v1.PersistentVolumeClaimArgs,
        opts,
      );
    case "Deployment":
      return new k8s.apps.v1.Deployment(name, object as unknown as k8s.apps.v1.DeploymentArgs, opts);
    case "IngressClass":
      return new k8s.networking.v1.IngressClass(name, object as k8s.networking.v1.IngressClassArgs, opts);
    default:
      return new k8s.apiextensions.CustomResource(name, object as k8s.apiextensions.CustomResourceArgs, opts);
  }
};

const createSecret = (secret: PlannedSecret, opts: pulumi.CustomResourceOptions): pulumi.Resource =>
  new k8s.core.v1.Secret(
    secret.id,
    {
      metadata: { name: secret.name, namespace: secret.namespace },
      type: "Opaque",
      stringData: Object.fromEntries(
        Object.entries(secret.stringData).map(([key, value]) => [key, pulumi.secret(reveal(value))]),
      ),
    },
    opts,
  );

const createRelease = (release: ChartRelease, opts: pulumi.ComponentResourceOptions): pulumi.Resource =>
  new k8s.helm.v4.Chart(
    release.id,
    {
      name: release.name,
      namespace: release.namespace,
      chart: release.chart.chart,
      version: release.chart.version,
      repositoryOpts: { repo: release.chart.repo },
      values: release.values,
      ...(release.skipCrds ? { skipCrds: true } : {}),
      ...(release.skipAwait ? { skipAwait: true } : {}),
    },
    opts,
  );

/** Creates every planned item after the items it names in `after`; unknown ids are a plan bug. */
export const createPlan = (plan: NetworkPlan): Map<string, pulumi.Resource> => {
  const items: Item[] = [
    ...plan.namespaces.map((item) => ({ kind: "object" as const, item })),
    ...plan.secrets.map((item) => ({ kind: "secret" as const, item })),
    ...plan.releases.map((item) => ({ kind: "release" as const, item })),
    ...plan.objects.map((item) => ({ kind: "object" as const, item })),
  ];
  const ids = new Set(items.map(({ item }) => item.id));
  for (const { item } of items) {
    const unknown = item.after.filter((id) => !ids.has(id));
    if (unknown.length > 0)
      throw new Error(`network plan: ${item.id} waits for unknown ${unknown.join(", ")}`);
  }
  const created = new Map<string, pulumi.Resource>();
  let pending = items;
  while (pending.length > 0) {
    const ready = pending.filter(({ item }) => item.after.every((id) => created.has(id)));
    if (ready.length === 0) {
      throw new Error(
        `network plan: dependency cycle among ${pending.map(({ item }) => item.id).join(", ")}`,
      );
    }
    for (const entry of ready) {
      const dependsOn = entry.item.after.map((id) => created.get(id)).filter((r) => r !== undefined);
      const resource =
        entry.kind === "secret"
          ? createSecret(entry.item, { dependsOn })
          : entry.kind === "release"
            ? createRelease(entry.item, { dependsOn })
            : createObject(
                entry.item.object,
                entry.item.id,
                entry.item.stateful ? { dependsOn, protect: true, retainOnDelete: true } : { dependsOn },
              );
      created.set(entry.item.id, resource);
    }
    pending = pending.filter((entry) => !ready.includes(entry));
  }
  return created;
};

const cloudflareProvider = (config: NetworkConfig): CloudflareProvider =>
  new CloudflareProvider("cloudflare", { apiToken: pulumi.secret(reveal(config.cloudflareApiToken)) });

/** The id of `domain`'s zone; a token that cannot see it fails with one clear message. */
const lookupZone = async (config: NetworkConfig, provider: CloudflareProvider): Promise<string> => {
  const found = await getZones({ name: config.domain }, { provider });
  const zone = pickZone(
    config.domain,
    (found.results ?? []).map((z) => ({ id: z.id, name: z.name, status: z.status })),
  );
  if (zone.isErr()) throw new pulumi.RunError(zone.error);
  return zone.value.id;
};

export const networkProgram = defineProgram({
  layer: "network",
  reads: {},
  run: async ({ config }): Promise<ContractExports<typeof networkContract>> => {
    // Looked up first, so a zone the token cannot see stops the deploy before anything changes.
    const provider = cloudflareProvider(config);
    const zoneId = await lookupZone(config, provider);
    createPlan(networkPlan(config));
    new DnsRecord(
      "external-record",
      { ...externalRecordSpec(config), zoneId, content: pulumi.secret(reveal(config.realExternalIp)) },
      { provider },
    );
    return networkExports(config);
  },
  summarize: ({ config }) => networkSummary(config),
});
