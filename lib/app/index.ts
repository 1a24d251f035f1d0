/** The app vocabulary in one import: every builder a user app or a platform service composes. */
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
} from "./builders.ts";
export {
  allowPrivilegeEscalation,
  preferNodesApartFrom,
  withClusterReadAccess,
  withEmptyDir,
  withPorts,
  withReadOnlyRootFilesystem,
} from "./podBuilders.ts";
export type { AppContracts } from "./render.ts";
export { withLoadBalancer, withNamespace } from "./serviceBuilders.ts";
export { type AppBuilder, type AppSpec, app, pipe } from "./spec.ts";
