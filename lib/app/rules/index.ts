/**
 * Every rule an app spec must satisfy, one concern each, checked at once before anything is
 * rendered. Each problem names the app, where in the spec it is, what is wrong and how to fix it.
 */
import type { Problem } from "../../core/problem.ts";
import type { AppSpec } from "../spec.ts";
import { authListsRule, authTargetRule } from "./auth.ts";
import { configFilesRule } from "./configFiles.ts";
import { envNamesRule, plainSecretRule, secretKeysRule } from "./env.ts";
import { hostsRule, publicAuthRule, routeRule } from "./exposures.ts";
import { imageRule, nameRule, portRule, replicasRule, userGroupRule } from "./identity.ts";
import { groupNamesRule, oidcRule } from "./oidc.ts";
import { capabilitiesRule, conflictsRule, runAsRootRule } from "./optOuts.ts";
import { accessRule, placementRule, portsRule, scratchRule, tcpProbeRule } from "./pod.ts";
import { postgresRule } from "./postgres.ts";
import { probesRule } from "./probes.ts";
import { resourcesRule } from "./resources.ts";
import type { AppRule } from "./rule.ts";
import {
  longhornReplicasRule,
  mountPathsRule,
  nfsPathRule,
  volumeNamesRule,
  volumeShapeRule,
} from "./volumes.ts";

export type { AppRule } from "./rule.ts";

/** In the order problems are reported: identity, storage, exposure, auth, then the container. */
export const APP_RULES: readonly AppRule[] = [
  nameRule,
  imageRule,
  portRule,
  replicasRule,
  userGroupRule,
  volumeNamesRule,
  mountPathsRule,
  volumeShapeRule,
  nfsPathRule,
  longhornReplicasRule,
  hostsRule,
  routeRule,
  publicAuthRule,
  authTargetRule,
  authListsRule,
  oidcRule,
  groupNamesRule,
  envNamesRule,
  plainSecretRule,
  secretKeysRule,
  postgresRule,
  configFilesRule,
  resourcesRule,
  probesRule,
  portsRule,
  scratchRule,
  accessRule,
  placementRule,
  tcpProbeRule,
  runAsRootRule,
  capabilitiesRule,
  conflictsRule,
];

export const validateApp = (spec: AppSpec): Problem[] => APP_RULES.flatMap((rule) => rule(spec));
