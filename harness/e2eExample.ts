/** What `bun run e2e` takes from the example stack: its stack files, and the chart values the stand-ins read. */
import { join } from "node:path";
import { err, ok, Result } from "neverthrow";
import { rawConfigFromEntries, readStackFileConfig } from "../lib/config/stackFile.ts";
import { LAYERS, type Layer } from "../lib/core/layerNames.ts";
import { formatProblem, type Problem } from "../lib/core/problem.ts";
import { traefikInstances, traefikValues } from "../lib/layers/network/traefik.ts";
import { longhornValues } from "../lib/layers/storage/longhorn.ts";
import { configSchemas, parseConfig } from "../programs/layers.ts";
import { type IngressPublisher, traefikPublisher } from "./cluster/addresses.ts";
import { type E2eStack, e2eStack } from "./engine/e2eStack.ts";

/** What the run takes from the example stack: the e2e stack, and the chart values the stand-in controllers read. */
export interface Example {
  stack: E2eStack;
  longhorn: ReturnType<typeof longhornValues>;
  /** Traefik's publishedService per ingress class. */
  publishers: IngressPublisher[];
}

/**
 * The example stack, read with the project's stack-file reader: each layer's `config:` map as
 * written (e2eStack keeps its prefixes and YAML values), the storage layer's also parsed.
 */
export const readExample = (root: string): Result<Example, Problem[]> =>
  Result.combineWithAllErrors(LAYERS.map((layer) => readStackFileConfig(root, layer, "example")))
    .mapErr((perLayer) => perLayer.flat())
    .andThen((configs) => {
      const examples = Object.fromEntries(LAYERS.map((layer, i) => [layer, configs[i] ?? {}])) as Record<
        Layer,
        Record<string, unknown>
      >;
      const storage = rawConfigFromEntries(
        configSchemas,
        "storage",
        Object.entries(examples.storage),
        "example",
      )
        .andThen((raw) => parseConfig("storage", raw))
        .map(longhornValues);
      const publishers = rawConfigFromEntries(
        configSchemas,
        "network",
        Object.entries(examples.network),
        "example",
      )
        .andThen((raw) => parseConfig("network", raw))
        .map((network) =>
          traefikInstances(network).flatMap((instance) => traefikPublisher(traefikValues(instance)) ?? []),
        );
      return Result.combineWithAllErrors([storage, publishers])
        .mapErr((errors) => errors.flat())
        .map(([longhorn, ingress]) => ({
          stack: e2eStack(configSchemas, examples),
          longhorn: longhorn as ReturnType<typeof longhornValues>,
          publishers: ingress as IngressPublisher[],
        }));
    });

interface ReleaseModules {
  e2eStack: typeof e2eStack;
  configSchemas: typeof configSchemas;
  readStackFileConfig: typeof readStackFileConfig;
}

/**
 * The recorded release's `e2e` stack, made by the release's own code from its own example (its
 * config schemas and its e2eStack, imported from its work copy): HEAD's may name keys the release
 * does not know yet, which its deploy would refuse.
 */
export const releaseStack = async (root: string): Promise<Result<E2eStack, string>> => {
  try {
    const [stack, programs, files] = await Promise.all([
      import(join(root, "harness/engine/e2eStack.ts")),
      import(join(root, "programs/layers.ts")),
      import(join(root, "lib/config/stackFile.ts")),
    ]);
    const release: ReleaseModules = {
      e2eStack: stack.e2eStack,
      configSchemas: programs.configSchemas,
      readStackFileConfig: files.readStackFileConfig,
    };
    const configs = LAYERS.map((layer) => release.readStackFileConfig(root, layer, "example"));
    const problems = configs.flatMap((config) => (config.isErr() ? config.error : []));
    if (problems.length > 0) return err(problems.map(formatProblem).join("; "));
    const examples = Object.fromEntries(
      LAYERS.map((layer, i) => [layer, configs[i]?.unwrapOr({}) ?? {}]),
    ) as Record<Layer, Record<string, unknown>>;
    return ok(release.e2eStack(release.configSchemas, examples));
  } catch (error) {
    return err(
      `the release's own code could not make its stack: ${error instanceof Error ? error.message : error}`,
    );
  }
};
