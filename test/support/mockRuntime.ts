/**
 * Runs one layer program in-process under Pulumi's mock runtime and records every resource it
 * registers: type, name, inputs (secrets already redacted) and the options that matter for safety
 * and order (protect, retainOnDelete, dependencies). No engine, no provider, no cluster.
 *
 * Pulumi's public `setMocks` hides resource options from the mocks, so the resource monitor it
 * installs is wrapped to read them off each registration request.
 */
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { REDACTED, type RecordedResource } from "../../lib/pulumi/resources.ts";

/**
 * Pulumi wraps each of its internal promises (several per resource) in `debuggablePromise`, which
 * captures `new Error().stack` for a leak report only `PULUMI_DEBUG_PROMISE_LEAKS` ever prints.
 * Under the mock runtime those stack captures are most of the cost of registering a resource, and
 * their strings much of the memory (measured at 500 generated apps: about 0.75 s and 240 MiB).
 * So the render takes them with an empty stack; the leak detection itself is unchanged,
 * and setting PULUMI_DEBUG_PROMISE_LEAKS brings the full stacks back.
 */
const skipPromiseStacks = (): void => {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  type Wrap = (promise: Promise<unknown>, context: unknown) => Promise<unknown>;
  const debuggable = createRequire(import.meta.url)("@pulumi/pulumi/runtime/debuggable") as {
    debuggablePromise: Wrap & { withoutStacks?: true };
  };
  const original = debuggable.debuggablePromise;
  if (original.withoutStacks) return;
  const withoutStacks: Wrap = (promise, context) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(promise, context);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise = Object.assign(withoutStacks, { withoutStacks: true as const });
};
skipPromiseStacks();

interface UpstreamStack {
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
}

export interface MockRunOptions {
  project: string;
  stack: string;
  /** Answers a StackReference by its name; undefined when no such stack exists. */
  stackReference(name: string): UpstreamStack | undefined;
  /** Offline answers to provider functions (invokes), by token. */
  invokes: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

export interface MockRun {
  resources: RecordedResource[];
  outputs: UpstreamStack;
}

const isSecretEnvelope = (value: unknown): value is { value: unknown } =>
  typeof value === "object" &&
  value !== null &&
  (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** Replaces every leaf under a secret envelope with REDACTED, keeping the shape so objects stay valid. */
export const redactSecrets = (value: unknown, insideSecret = false): unknown => {
  if (isSecretEnvelope(value)) return redactSecrets(value.value, true);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, insideSecret));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactSecrets(item, insideSecret)]),
    );
  }
  return insideSecret && value !== null && value !== undefined ? REDACTED : value;
};

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getCustomtimeouts():
    | { getCreate(): string; getUpdate(): string; getDelete(): string; getRead(): string }
    | undefined;
  getProvider(): string;
  getParent(): string;
  getObject(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
}

interface Monitor {
  registerResource(request: RegisterRequest, callback: unknown): Promise<void>;
}

const urnOf = (options: MockRunOptions, request: RegisterRequest): string => {
  const parentType = request.getParent().split("::")[2]?.split("$").pop();
  const type = parentType ? `${parentType}$${request.getType()}` : request.getType();
  return `urn:pulumi:${options.stack}::${options.project}::${type}::${request.getName()}`;
};

const timeoutsOf = (request: RegisterRequest): Record<string, string> => {
  const timeouts = request.getCustomtimeouts();
  if (!timeouts) return {};
  const all = { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== ""));
};

const resolve = async (value: unknown): Promise<{ value: unknown; secret: boolean }> => {
  const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
  const [resolved, secret] = await Promise.all([
    new Promise<unknown>((done) => output.apply((inner) => done(inner))),
    pulumi.isSecret(output),
  ]);
  return { value: resolved, secret };
};

/** Runs `execute` (a layer program) under mocks; resolves its stack outputs and what it registered. */
export const runUnderMocks = async (
  options: MockRunOptions,
  execute: () => Promise<object>,
): Promise<MockRun> => {
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: async ({ type, name, inputs }) => {
        if (type === "pulumi:pulumi:StackReference") {
          const stackName = String(inputs.name ?? name);
          const upstream = options.stackReference(stackName);
          if (!upstream) throw new Error(`no stack named ${stackName} was rendered before this layer`);
          return { id: stackName, state: { name: stackName, ...upstream } };
        }
        return { id: `${name}-id`, state: inputs };
      },
      call: async ({ token, inputs }) => {
        const answer = options.invokes[token];
        if (!answer) throw new Error(`the offline render has no answer for the provider function ${token}`);
        return answer(inputs);
      },
    },
    options.project,
    options.stack,
    false,
    // What Pulumi reports for self-managed (file) backends; derived stack references use it.
    "organization",
  );

  const monitor = getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    if (!request.getType().startsWith("pulumi:")) {
      resources.push({
        urn: urnOf(options, request),
        type: request.getType(),
        name: request.getName(),
        custom: request.getCustom(),
        protect: request.getProtect(),
        retainOnDelete: request.getRetainondelete(),
        dependsOn: request.getDependenciesList(),
        timeouts: timeoutsOf(request),
        provider: request.getProvider(),
        inputs: redactSecrets(pulumi.runtime.deserializeProperties(request.getObject())) as Record<
          string,
          unknown
        >,
      });
    }
    return register(request, callback);
  };

  try {
    const returned = await execute();
    const resolved = await Promise.all(
      Object.entries(returned).map(async ([key, value]) => [key, await resolve(value)] as const),
    );
    return {
      resources,
      outputs: {
        outputs: Object.fromEntries(resolved.map(([key, { value }]) => [key, value])),
        secretOutputNames: resolved.filter(([, { secret }]) => secret).map(([key]) => key),
      },
    };
  } finally {
    await pulumi.runtime.disconnect();
  }
};
