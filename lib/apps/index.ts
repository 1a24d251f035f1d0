/** What an app file imports: `import { app, pipe, withPrivateIngress, ... } from "../../../lib/apps/index.ts"`. */
export {
  addCapabilities,
  allowRunAsRoot,
  withAuth,
  withConfigFile,
  withEnv,
  withLonghornVolume,
  withNfsVolume,
  withPostgres,
  withPrivateIngress,
  withProbes,
  withPublicIngress,
  withResources,
  withSecretEnv,
} from "../app/builders.ts";
export {
  allowPrivilegeEscalation,
  preferNodesApartFrom,
  withClusterReadAccess,
  withEmptyDir,
  withPorts,
  withReadOnlyRootFilesystem,
} from "../app/podBuilders.ts";
export type { AppContracts } from "../app/render.ts";
export { withLoadBalancer, withNamespace } from "../app/serviceBuilders.ts";
export { type AppBuilder, type AppSpec, app, pipe } from "../app/spec.ts";
