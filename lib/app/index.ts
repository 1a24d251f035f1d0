/** The app vocabulary in one import: every builder a user app or a platform service composes. */
export {
  withAuth,
  withLonghornVolume,
  withNfsVolume,
  withPostgres,
  withPrivateIngress,
  withPublicIngress,
} from "./builders.ts";
export {
  addCapabilities,
  allowRunAsRoot,
  withConfigFile,
  withEnv,
  withProbes,
  withResources,
  withSecretEnv,
} from "./containerBuilders.ts";
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
