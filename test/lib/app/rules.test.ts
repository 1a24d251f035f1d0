/**
 * Each app rule on its own: a valid app passes every rule, and a spec broken in one concern is
 * caught by that concern's rule (and reported by validateApp, which concatenates them).
 */
import { describe, expect, test } from "bun:test";
import { withNfsVolume } from "../../../lib/app/builders.ts";
import { authListsRule, authTargetRule } from "../../../lib/app/rules/auth.ts";
import { configFilesRule } from "../../../lib/app/rules/configFiles.ts";
import { envNamesRule, plainSecretRule, secretKeysRule } from "../../../lib/app/rules/env.ts";
import { hostsRule, publicAuthRule, routeRule } from "../../../lib/app/rules/exposures.ts";
import {
  imageRule,
  nameRule,
  portRule,
  replicasRule,
  userGroupRule,
} from "../../../lib/app/rules/identity.ts";
import { APP_RULES, type AppRule, validateApp } from "../../../lib/app/rules/index.ts";
import { groupNamesRule, oidcRule } from "../../../lib/app/rules/oidc.ts";
import { capabilitiesRule, conflictsRule, runAsRootRule } from "../../../lib/app/rules/optOuts.ts";
import {
  accessRule,
  placementRule,
  portsRule,
  scratchRule,
  tcpProbeRule,
} from "../../../lib/app/rules/pod.ts";
import { postgresRule } from "../../../lib/app/rules/postgres.ts";
import { probesRule } from "../../../lib/app/rules/probes.ts";
import { resourcesRule } from "../../../lib/app/rules/resources.ts";
import {
  longhornReplicasRule,
  mountPathsRule,
  nfsPathRule,
  volumeNamesRule,
  volumeShapeRule,
} from "../../../lib/app/rules/volumes.ts";
import { type AppSpec, app } from "../../../lib/app/spec.ts";

const never = (): never => {
  throw new Error("withNfsVolume added no volume");
};
const valid = (): AppSpec => app("web", { image: "traefik/whoami:v1.11.0", port: 8080 });
const [nfs = never()] = withNfsVolume({ name: "media", path: "/volume1/media", mountPath: "/media" })(
  valid(),
).volumes;
const longhorn = { kind: "longhorn", name: "data", mountPath: "/data", size: "1Gi", backup: true } as const;
const postgres = { size: "1Gi", instances: 1, database: "web", backup: true, env: { url: "DATABASE_URL" } };
const auth = { users: [], emails: ["a@example.com"], groups: [] };

/** Each rule, the part its problems name, and a spec broken in exactly that concern. */
const CASES: readonly [string, AppRule, string, (spec: AppSpec) => AppSpec][] = [
  ["name", nameRule, "app()", (s) => ({ ...s, name: "Web" })],
  ["image", imageRule, "app()", (s) => ({ ...s, image: "nginx" })],
  ["port", portRule, "app()", (s) => ({ ...s, port: 70000 })],
  ["replicas", replicasRule, "app()", (s) => ({ ...s, replicas: -1 })],
  ["user and group", userGroupRule, "app()", (s) => ({ ...s, user: 0 })],
  [
    "volume names",
    volumeNamesRule,
    'volume "media"',
    (s) => ({ ...s, volumes: [nfs, { ...nfs, mountPath: "/b" }] }),
  ],
  [
    "mount paths",
    mountPathsRule,
    "mount path /media",
    (s) => ({ ...s, volumes: [nfs, { ...nfs, name: "b" }] }),
  ],
  [
    "volume shape",
    volumeShapeRule,
    'withNfsVolume "media"',
    (s) => ({ ...s, volumes: [{ ...nfs, size: "0" }] }),
  ],
  [
    "NFS path",
    nfsPathRule,
    'withNfsVolume "media"',
    (s) => ({ ...s, volumes: [{ ...nfs, path: "volume1" }] }),
  ],
  [
    "Longhorn replicas",
    longhornReplicasRule,
    'withLonghornVolume "data"',
    (s) => ({ ...s, replicas: 2, volumes: [longhorn] }),
  ],
  [
    "hosts",
    hostsRule,
    "withPrivateIngress",
    (s) => ({
      ...s,
      exposures: [
        { kind: "private", subdomain: "a" },
        { kind: "private", subdomain: "b" },
      ],
    }),
  ],
  [
    "route",
    routeRule,
    "withPrivateIngress",
    (s) => ({ ...s, exposures: [{ kind: "private", subdomain: "a.b" }] }),
  ],
  [
    "public auth",
    publicAuthRule,
    "withPublicIngress",
    (s) => ({ ...s, exposures: [{ kind: "public", subdomain: "web" }] }),
  ],
  ["auth target", authTargetRule, "withAuth", (s) => ({ ...s, auth })],
  [
    "auth lists",
    authListsRule,
    "withAuth",
    (s) => ({ ...s, auth: { ...auth, emails: ["a@example.com", "a@example.com"] } }),
  ],
  [
    "oidc",
    oidcRule,
    "withOidc",
    (s) => ({
      ...s,
      oidc: { callbackPath: "/cb", env: { clientId: "ID", clientSecret: "SECRET" }, groups: [] },
    }),
  ],
  ["group names", groupNamesRule, "withAuth", (s) => ({ ...s, auth: { ...auth, groups: ["x"] } })],
  ["env names", envNamesRule, "env 1X", (s) => ({ ...s, env: [{ name: "1X", value: "" }] })],
  [
    "plain secret",
    plainSecretRule,
    "withEnv API_TOKEN",
    (s) => ({ ...s, env: [{ name: "API_TOKEN", value: "" }] }),
  ],
  [
    "secret keys",
    secretKeysRule,
    "withSecretEnv X",
    (s) => ({ ...s, secretEnv: [{ name: "X", key: "a b" }] }),
  ],
  ["postgres", postgresRule, "withPostgres", (s) => ({ ...s, postgres: { ...postgres, database: "Web" } })],
  [
    "config files",
    configFilesRule,
    "withConfigFile config",
    (s) => ({ ...s, configFiles: [{ path: "config", content: "" }] }),
  ],
  [
    "resources",
    resourcesRule,
    "withResources",
    (s) => ({ ...s, resources: { requests: { cpu: "lots" }, limits: {} } }),
  ],
  [
    "probes",
    probesRule,
    "withProbes",
    (s) => ({
      ...s,
      probes: { path: "healthz", initialDelaySeconds: 0, periodSeconds: 10, startupFailureThreshold: 30 },
    }),
  ],
  ["ports", portsRule, "withPorts", (s) => ({ ...s, ports: [{ name: "DNS", port: 53, protocol: "UDP" }] })],
  [
    "scratch folders",
    scratchRule,
    'withEmptyDir "cache"',
    (s) => ({ ...s, emptyDirs: [{ name: "cache", mountPath: "/cache", sizeLimit: "0" }] }),
  ],
  [
    "cluster access",
    accessRule,
    "withClusterReadAccess",
    (s) => ({ ...s, clusterRead: [{ apiGroups: [""], resources: ["*"] }] }),
  ],
  ["placement", placementRule, "withNamespace", (s) => ({ ...s, namespace: "Not A Label" })],
  [
    "a load balancer's LAN name and disruption budget",
    placementRule,
    "withLoadBalancer",
    (s) => ({
      ...s,
      ports: [{ name: "dns", port: 53, protocol: "UDP" }],
      loadBalancer: {
        name: "dns",
        ip: "192.168.1.53",
        pool: "dns",
        ports: ["dns"],
        externalTrafficPolicy: "Local",
        lanSubdomain: "Not A Label",
        minAvailable: 0,
      },
    }),
  ],
  [
    "a readiness command",
    probesRule,
    "withProbes",
    (s) => ({
      ...s,
      probes: {
        path: "/",
        readyCommand: [],
        initialDelaySeconds: 0,
        periodSeconds: 10,
        startupFailureThreshold: 30,
      },
    }),
  ],
  [
    "TCP probes",
    tcpProbeRule,
    "withProbes",
    (s) => ({
      ...s,
      probes: { tcpPort: "dns", initialDelaySeconds: 0, periodSeconds: 10, startupFailureThreshold: 30 },
    }),
  ],
  ["run as root", runAsRootRule, "allowRunAsRoot", (s) => ({ ...s, runAsRoot: " " })],
  [
    "capabilities",
    capabilitiesRule,
    "addCapabilities",
    (s) => ({ ...s, capabilities: { add: ["ALL"], reason: "x" } }),
  ],
  ["conflicts", conflictsRule, "withProbes", (s) => ({ ...s, conflicts: ["withProbes is applied twice"] })],
];

describe("app rules, one concern each", () => {
  test("every rule of validateApp has a case here", () => {
    expect(new Set(CASES.map(([, rule]) => rule))).toEqual(new Set(APP_RULES));
  });

  for (const [concern, rule, part, breakIt] of CASES) {
    test(concern, () => {
      expect(rule(valid())).toEqual([]);
      const broken = breakIt(valid());
      const found = rule(broken);
      expect(found.length).toBeGreaterThan(0);
      for (const problem of found) {
        expect(problem.where).toEqual({ app: broken.name, part });
        expect(problem.fix.length).toBeGreaterThan(0);
      }
      // validateApp is the concatenation: it reports this rule's problems too.
      expect(validateApp(broken)).toEqual(expect.arrayContaining(found));
    });
  }
});
