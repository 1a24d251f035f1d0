/**
 * What the Pulumi edge registers for a plan, computed from the plan alone, in one place
 * (`registrations`): each resource's type, name, inputs (secrets sealed as the caller says) and
 * the options that matter for safety and order. The deploy (createPlan.ts) creates them with
 * secrets revealed into Pulumi secrets; the render (`planResources`) writes them with secrets
 * redacted. Pure, with no Pulumi import, so the render loads none; a program test runs the edge
 * under Pulumi's mocks and proves it registers exactly what the render writes.
 */
import { isSecret, type Secret } from "../config/secret.ts";
import {
  isKind,
  isRelease,
  type KubeObject,
  orderPlan,
  type Plan,
  type PlanItem,
  type PlannedExternal,
  type PlannedRelease,
  withStatefulNamespaces,
} from "../core/plan.ts";

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

const HELM_CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The Pulumi type token of a Kubernetes object: `kubernetes:core/v1:Namespace`, `kubernetes:apps/v1:Deployment`. */
const kubernetesType = (object: Pick<KubeObject, "apiVersion" | "kind">): string =>
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

/**
 * How the caller seals a secret value into an `S`: the render writes the redaction marker, the
 * edge a Pulumi secret. A Secret object's string data is sealed whole, whether a value came from
 * config or not (a Secret built without `secretObject` may hold plain strings).
 */
export type Seal<S> = (value: Secret) => S;

/** A Secret's payload is sealed value by value; no other kind holds config secrets. */
const objectInputs = <S>(object: KubeObject, seal: Seal<S>): KubeObject<S> =>
  isKind(object, "v1/Secret") && typeof object.stringData === "object"
    ? {
        ...object,
        stringData: Object.fromEntries(
          Object.entries(object.stringData ?? {}).map(([key, value]) => [key, seal(value)]),
        ),
      }
    : object;

const itemType = (item: PlanItem): string =>
  isRelease(item) ? HELM_CHART_TYPE : kubernetesType(item.object);

/** A pinned chart, as a release names it. */
interface PinnedChart {
  chart: string;
  version: string;
  repo: string;
}

/** Where helm.v4.Chart takes a chart from: a repository's chart at a version, or a local folder. */
type ChartLocation = {
  chart: string;
  version?: string;
  repositoryOpts?: { repo: string };
};

/**
 * Where each release's chart comes from. A deploy installs the pinned chart from its repository
 * (`pinnedChart`); a program's wiring may give another source (lib/pulumi/program.ts, Wiring.charts),
 * which is how `bun run e2e` installs its offline stand-in charts (harness/engine/standInCharts.ts).
 */
export type ChartSource = (chart: PinnedChart) => ChartLocation;

export const pinnedChart: ChartSource = (chart) => ({
  chart: chart.chart,
  version: chart.version,
  repositoryOpts: { repo: chart.repo },
});

/** The helm.v4.Chart arguments of a release. */
type ReleaseInputs = ChartLocation & {
  name: string;
  namespace: string;
  values: Record<string, unknown>;
  skipCrds?: true;
  skipAwait?: true;
};

const releaseInputs = (release: PlannedRelease, charts: ChartSource): ReleaseInputs => ({
  name: release.name,
  namespace: release.namespace,
  ...charts(release.chart),
  values: release.values,
  ...(release.skipCrds ? { skipCrds: true } : {}),
  ...(release.skipAwait ? { skipAwait: true } : {}),
});

interface Registered {
  id: string;
  type: string;
  /** Ids of the resources this one waits for. */
  after: readonly string[];
  /** Protected and retained on delete: it holds data, or deleting it deletes data. */
  stateful: boolean;
}

/**
 * One resource of a plan as the edge registers it: type, name, options and its inputs, typed: a
 * Helm chart's arguments (a component resource grouping the chart's objects) or the object, with
 * a Secret's values sealed into `S`.
 */
export type Registration<S> =
  | (Registered & { release: true; inputs: ReleaseInputs })
  | (Registered & { release: false; inputs: KubeObject<S> });

/**
 * What the edge registers for a plan, in registration order: the plan's items after what each
 * waits for, namespaces holding state protected like the state. The render and the deploy both
 * take it from here, so they cannot disagree. Throws on an invalid plan.
 */
export const registrations = <S>(
  plan: Plan,
  seal: Seal<S>,
  charts: ChartSource = pinnedChart,
): Registration<S>[] => {
  const ordered = orderPlan(withStatefulNamespaces(plan));
  if (ordered.isErr()) throw new Error(`invalid plan: ${ordered.error}`);
  return ordered.value.map((item): Registration<S> => {
    const registered = {
      id: item.id,
      type: itemType(item),
      after: item.after,
      stateful: item.stateful === true,
    };
    return isRelease(item)
      ? { ...registered, release: true, inputs: releaseInputs(item, charts) }
      : { ...registered, release: false, inputs: objectInputs(item.object, seal) };
  });
};

const providerUrn = (name: StackName, external: PlannedExternal): string => {
  const pkg = external.type.split(":")[0] ?? external.type;
  return `${urnOf(name, `pulumi:providers:${pkg}`, external.provider)}::${external.provider}-id`;
};

/**
 * The resources the edge registers for `plan`, as the render writes them: the registrations with
 * secrets redacted and URNs for their dependencies, then the resources outside the cluster.
 */
export const planResources = (plan: Plan, name: StackName): RecordedResource[] => {
  const registered = registrations(plan, (): string => REDACTED);
  const urns = new Map(registered.map((item) => [item.id, urnOf(name, item.type, item.id)]));
  const inCluster = registered.map(
    (item): RecordedResource => ({
      urn: urns.get(item.id) ?? "",
      type: item.type,
      name: item.id,
      custom: !item.release,
      protect: item.stateful,
      retainOnDelete: item.stateful,
      dependsOn: item.after.map((id) => urns.get(id) ?? id),
      timeouts: {},
      provider: "",
      inputs: item.inputs,
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
