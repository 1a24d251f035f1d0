/**
 * An interrupted deploy, resumed: what to do with each pending CREATE a stack's state holds.
 *
 * A deploy killed while Pulumi was creating an object (Ctrl-C twice, a killed process, a laptop
 * closed) leaves the operation in `pending_operations` as type "creating", without an ID. The
 * next `pulumi up` warns and creates the object again; the object did reach the API server, so
 * the Kubernetes provider's create (client-side since pulumi-kubernetes 4.29) fails with
 * AlreadyExists, and every later update keeps the pending operation (pulumi/pulumi
 * pkg@v3.274.0 backend/snapshot.go and backend/journal.go carry base "creating" operations forward).
 * Pulumi's own ways out do not adopt the object at 3.274.0: `refresh --import-pending-creates
 * <urn> <id>` (and the interactive "import" choice) turn the operation into type "importing",
 * which nothing in the engine reads (cmd/pulumi/operations/refresh.go pendingCreatesToImports),
 * so the refresh just drops it, like `--clear-pending-creates`; then `up` fails as before.
 *
 * What works, measured with the real engine and API server (README, "If a deploy was
 * interrupted"): put the pending resource into `resources` with the provider's ID, `pulumi stack
 * import` that (it also drops every pending operation: cmd/pulumi/stack/io.go), then `pulumi
 * refresh --target <urn>`. The provider reads the object by that ID: if it exists, the state now
 * holds it with its live outputs (and, if it was still becoming ready, its init errors, so the
 * next `up` updates it and waits again); if it does not, the refresh drops it and `up` creates it.
 * This module decides, purely, from `pulumi stack export`'s JSON; cli/resume.ts runs the commands.
 */

/** A resource entry of the state (apitype ResourceV3), as much of it as the decisions read. */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  deletedWith?: string;
  [field: string]: unknown;
}

/** apitype OperationV2 (pulumi/pulumi sdk@v3.274.0 go/common/apitype/core.go): `resource` and `type`. */
export interface PendingOperation {
  resource: StateResource;
  type: string;
}

/** `pulumi stack export`'s JSON: apitype UntypedDeployment around a DeploymentV3. */
export interface ExportedState {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: PendingOperation[];
    [field: string]: unknown;
  };
}

/** What the resume does with one pending create. */
export type Decision =
  /** A Kubernetes object that may be in the cluster: into the state with this ID, then read by a refresh. */
  | { action: "adopt"; urn: string; object: string; id: string }
  /** Nothing outside the state to look for: dropped, `up` registers it again. */
  | { action: "drop"; urn: string; object: string; why: string }
  /** The wrapper cannot tell whether it exists: the operator must look (the deploy stops). */
  | { action: "manual"; urn: string; object: string; why: string };

export interface ResumePlan {
  decisions: Decision[];
  /** The state to `pulumi stack import` (adopted resources added, no pending operations); only without manual decisions. */
  state?: ExportedState;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The exported state, or undefined when the text is not one (Pulumi printed something else). */
export const readExportedState = (text: string): ExportedState | undefined => {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) && typeof parsed.version === "number" && isRecord(parsed.deployment)
      ? (parsed as unknown as ExportedState)
      : undefined;
  } catch {
    return undefined;
  }
};

/** The state's pending CREATE operations (the only kind the engine keeps across updates). */
const pendingCreates = (state: ExportedState): PendingOperation[] =>
  (state.deployment.pending_operations ?? []).filter((op) => op.type === "creating" && isRecord(op.resource));

/** The last part of a URN: `<type>::<name>`, which names the resource without the stack and project. */
const typeAndName = (urn: string): string => urn.split("::").slice(-2).join("::");

/** A provider reference is `<provider urn>::<provider id>`. */
const providerUrn = (reference: string): string => reference.slice(0, reference.lastIndexOf("::"));

/** Every URN a resource entry points at; each must come before it in the state's list. */
const references = (resource: StateResource): string[] => [
  ...(resource.parent ? [resource.parent] : []),
  ...(resource.provider ? [providerUrn(resource.provider)] : []),
  ...(resource.dependencies ?? []),
  ...Object.values(resource.propertyDependencies ?? {}).flat(),
  ...(resource.deletedWith ? [resource.deletedWith] : []),
];

/**
 * The Kubernetes provider's ID of an object from its checked inputs: `<namespace>/<name>`, or the
 * name alone without a namespace (pulumi-kubernetes provider/pkg/provider/util.go fqName; a
 * namespaced object without one lives in "default", which the provider's Read assumes for it too:
 * provider/pkg/clients/clients.go ResourceClient). Undefined when the name is not plain text.
 */
export const kubernetesId = (inputs: Record<string, unknown> | undefined): string | undefined => {
  const metadata = inputs?.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== "string" || metadata.name === "") return undefined;
  const namespace = metadata.namespace;
  if (namespace !== undefined && typeof namespace !== "string") return undefined;
  return namespace ? `${namespace}/${metadata.name}` : metadata.name;
};

/** How an operator reads the object: its kind and `<namespace>/<name>` when known, else `<type>::<name>`. */
const objectLabel = (resource: StateResource): string => {
  const id = kubernetesId(resource.inputs);
  const kind = resource.type.split(":").at(-1);
  return id && resource.type.startsWith("kubernetes:") ? `${kind} ${id}` : typeAndName(resource.urn);
};

const decide = (op: PendingOperation, known: ReadonlySet<string>): Decision => {
  const { resource } = op;
  const base = { urn: resource.urn, object: objectLabel(resource) };
  if (known.has(resource.urn))
    return { action: "drop", ...base, why: "it is in the state already (a later deploy created it)" };
  if (!resource.custom)
    return { action: "drop", ...base, why: "a component, with nothing outside the state" };
  if (resource.type.startsWith("pulumi:providers:"))
    return { action: "drop", ...base, why: "a provider, with nothing outside the state" };
  if (!resource.type.startsWith("kubernetes:"))
    return { action: "manual", ...base, why: `the wrapper cannot look up a ${resource.type} object` };
  const id = kubernetesId(resource.inputs);
  if (!id)
    return { action: "manual", ...base, why: "its inputs hold no plain metadata.name to look it up by" };
  const missing = references(resource).filter((urn) => !known.has(urn));
  if (missing.length > 0)
    return { action: "manual", ...base, why: `it refers to ${missing.join(", ")}, which the state lacks` };
  return { action: "adopt", ...base, id };
};

/** The pending entry as a state resource: with the provider's ID, without what only a finished create writes. */
const adoptedEntry = (resource: StateResource, id: string): StateResource => {
  const { outputs: _outputs, initErrors: _initErrors, ...rest } = resource;
  return { ...rest, id };
};

/**
 * The plan for a state's pending creates, or undefined when it holds none. Adopted entries are
 * appended in the operations' order: a create starts only once what it refers to was created, so
 * nothing in the state refers to them and whatever they refer to comes first.
 */
export const resumePlan = (state: ExportedState): ResumePlan | undefined => {
  const pending = pendingCreates(state);
  if (pending.length === 0) return undefined;
  const resources = state.deployment.resources ?? [];
  const known = new Set(resources.map((resource) => resource.urn));
  const decisions: Decision[] = [];
  const adopted: StateResource[] = [];
  for (const op of pending) {
    const decision = decide(op, known);
    decisions.push(decision);
    if (decision.action !== "adopt") continue;
    adopted.push(adoptedEntry(op.resource, decision.id));
    known.add(decision.urn);
  }
  if (decisions.some((decision) => decision.action === "manual")) return { decisions };
  const { pending_operations: _pending, ...deployment } = state.deployment;
  return {
    decisions,
    state: { ...state, deployment: { ...deployment, resources: [...resources, ...adopted] } },
  };
};

/** After the refresh: which adopted objects it found in the cluster (still in the state) and which it dropped. */
export const adoptionOutcome = (
  decisions: readonly Decision[],
  after: ExportedState,
): { found: Decision[]; gone: Decision[] } => {
  const inState = new Set((after.deployment.resources ?? []).map((resource) => resource.urn));
  const adopted = decisions.filter((decision) => decision.action === "adopt");
  return {
    found: adopted.filter((decision) => inState.has(decision.urn)),
    gone: adopted.filter((decision) => !inState.has(decision.urn)),
  };
};
