/**
 * What the Pulumi edge (createPlan.ts) registers for a plan, computed from the plan alone: each
 * resource's type, name, inputs (secrets redacted) and the options that matter for safety and
 * order. Pure, with no Pulumi import, so the render loads none. The render writes these; a program
 * test runs the edge under Pulumi's mocks and proves it registers exactly them.
 */
import { isSecret } from "../config/secret.ts";
import { chartSource } from "../e2e.ts";
import {
  isRelease,
  type KubeObject,
  orderPlan,
  type Plan,
  type PlanItem,
  type PlannedExternal,
  type PlannedRelease,
  withStatefulNamespaces,
} from "../plan.ts";

export const REDACTED = "<redacted>";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** False for component resources (a Helm chart): they group others and have no state of their own. */
  custom: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs this resource waits for. */
  dependsOn: string[];
  /** Custom timeouts Pulumi waits with, by operation (`create: 10m`); empty for the provider's defaults. */
  timeouts: Record<string, string>;
  /** The explicit provider reference (`urn::id`); empty for the default provider. */
  provider: string;
  /** Inputs as registered, every value that is a secret replaced by `REDACTED`. */
  inputs: Record<string, unknown>;
  /** Inputs only the deploy can know, with what it looks up for each. */
  lookups?: Readonly<Record<string, string>>;
}

export interface StackName {
  project: string;
  stack: string;
}

export const HELM_CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The Pulumi type token of a Kubernetes object: `kubernetes:core/v1:Namespace`, `kubernetes:apps/v1:Deployment`. */
export const kubernetesType = (object: Pick<KubeObject, "apiVersion" | "kind">): string =>
  `kubernetes:${object.apiVersion.includes("/") ? object.apiVersion : `core/${object.apiVersion}`}:${object.kind}`;

const urnOf = (name: StackName, type: string, resource: string): string =>
  `urn:pulumi:${name.stack}::${name.project}::${type}::${resource}`;

/** Config `Secret`s anywhere in a value, as the redaction marker (the shape stays valid). */
const redacted = (value: unknown): unknown => {
  if (isSecret(value)) return REDACTED;
  if (Array.isArray(value)) return value.map(redacted);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redacted(inner)]));
  return value;
};

/** A Secret's payload is a Pulumi secret whole at the edge; no other kind holds config secrets. */
const objectInputs = (object: KubeObject): KubeObject =>
  object.apiVersion === "v1" && object.kind === "Secret" && typeof object.stringData === "object"
    ? {
        ...object,
        stringData: Object.fromEntries(Object.keys(object.stringData ?? {}).map((key) => [key, REDACTED])),
      }
    : object;

const itemType = (item: PlanItem): string =>
  isRelease(item) ? HELM_CHART_TYPE : kubernetesType(item.object);

/** The helm.v4.Chart arguments of a release (the chart's source switches in end-to-end mode). */
export const releaseInputs = (release: PlannedRelease): Record<string, unknown> => ({
  name: release.name,
  namespace: release.namespace,
  ...chartSource(release.chart),
  values: release.values,
  ...(release.skipCrds ? { skipCrds: true } : {}),
  ...(release.skipAwait ? { skipAwait: true } : {}),
});

const itemInputs = (item: PlanItem): Record<string, unknown> =>
  isRelease(item) ? releaseInputs(item) : objectInputs(item.object);

const providerUrn = (name: StackName, external: PlannedExternal): string => {
  const pkg = external.type.split(":")[0] ?? external.type;
  return `${urnOf(name, `pulumi:providers:${pkg}`, external.provider)}::${external.provider}-id`;
};

/**
 * The resources the edge registers for `plan`, in the order it registers them: the plan's items
 * after what each waits for (namespaces holding state protected like the state), then the
 * resources outside the cluster. Throws on an invalid plan, as the edge does.
 */
export const planResources = (plan: Plan, name: StackName): RecordedResource[] => {
  const ordered = orderPlan(withStatefulNamespaces(plan));
  if (ordered.isErr()) throw new Error(`invalid plan: ${ordered.error}`);
  const urns = new Map(ordered.value.map((item) => [item.id, urnOf(name, itemType(item), item.id)]));
  const inCluster = ordered.value.map(
    (item): RecordedResource => ({
      urn: urns.get(item.id) ?? "",
      type: itemType(item),
      name: item.id,
      custom: !isRelease(item),
      protect: item.stateful === true,
      retainOnDelete: item.stateful === true,
      dependsOn: item.after.map((id) => urns.get(id) ?? id),
      timeouts: {},
      provider: "",
      inputs: itemInputs(item),
    }),
  );
  const outside = (plan.external ?? []).map(
    (external): RecordedResource => ({
      urn: urnOf(name, external.type, external.id),
      type: external.type,
      name: external.id,
      custom: true,
      protect: external.stateful === true,
      retainOnDelete: external.stateful === true,
      dependsOn: external.after.map((id) => urns.get(id) ?? id),
      timeouts: {},
      provider: providerUrn(name, external),
      inputs: redacted(external.inputs) as Record<string, unknown>,
      lookups: external.lookups,
    }),
  );
  return [...inCluster, ...outside];
};
