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
  /** @public app authors' API (README, app builders); no app in this repository uses it yet */
  withConfigFile,
  withEnv,
  withProbes,
  withResources,
  withSecretEnv,
} from "./containerBuilders.ts";
export { withOidc } from "./oidc.ts";
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
export {
  /** @public app authors' API: the type of a builder an app file defines for itself */
  type AppBuilder,
  type AppSpec,
  app,
  pipe,
} from "./spec.ts";
