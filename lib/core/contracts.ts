/**
 * What each layer hands to the layers after it. One declaration per layer serves both sides: the
 * producer's stack outputs are typed by it, and consumers validate their StackReference reads
 * against it, so a missing or malformed output fails with the key and the upstream stack named.
 */
import { err, ok, type Result } from "neverthrow";
import { ipv4ToNumber } from "../config/ip.ts";
import { fqdn } from "../config/values.ts";
import type { Layer } from "./layerNames.ts";
import { type Problem, problem } from "./problem.ts";

interface Check<T> {
  describe: string;
  test(value: unknown): value is T;
}

const nonEmptyString: Check<string> = {
  describe: "a non-empty string",
  test: (value): value is string => typeof value === "string" && value.length > 0,
};

const ipv4Address: Check<string> = {
  describe: "an IPv4 address",
  test: (value): value is string => typeof value === "string" && ipv4ToNumber(value) !== undefined,
};

const domainName: Check<string> = {
  describe: "a domain name",
  test: (value): value is string => typeof value === "string" && fqdn(value).isOk(),
};

const httpsUrl: Check<string> = {
  describe: "an https:// URL",
  test: (value): value is string => typeof value === "string" && /^https:\/\/[^/\s]+$/.test(value),
};

const hostList: Check<string[]> = {
  describe: "a list of host names",
  test: (value): value is string[] =>
    Array.isArray(value) && value.every((host) => typeof host === "string" && fqdn(host).isOk()),
};

/** A Traefik CRD reference as an Ingress annotation wants it: `<namespace>-<name>@kubernetescrd`. */
const middlewareRef: Check<string> = {
  describe: "a middleware reference like tinyauth-forward-auth@kubernetescrd",
  test: (value): value is string => typeof value === "string" && /^[a-z0-9-]+@kubernetescrd$/.test(value),
};

/** A CloudNativePG ScheduledBackup schedule as the storage layer writes it: `s m h * * days`. */
const sixFieldCron: Check<string> = {
  describe: "a six-field cron (seconds first) like 0 30 16 * * *",
  test: (value): value is string =>
    typeof value === "string" && /^0 \d{1,2} \d{1,2} \* \* (\*|[0-6](,[0-6])*)$/.test(value),
};

export type Shape = Record<string, Check<unknown>>;

export interface Contract<S extends Shape> {
  layer: Layer;
  outputs: S;
}

/** The values a consumer reads. */
export type ContractValues<C extends Contract<Shape>> = {
  readonly [K in keyof C["outputs"]]: C["outputs"][K] extends Check<infer T> ? T : never;
};

const defineContract = <S extends Shape>(layer: Layer, outputs: S): Contract<S> => ({ layer, outputs });

export const networkContract = defineContract("network", {
  domain: domainName,
  publicIngressClass: nonEmptyString,
  privateIngressClass: nonEmptyString,
  publicIngressIp: ipv4Address,
  privateIngressIp: ipv4Address,
  dnsServerIp: ipv4Address,
  /** The ClusterIssuer that signs production certificates; `stagingIssuer` for tests. */
  productionIssuer: nonEmptyString,
  stagingIssuer: nonEmptyString,
  /** `<namespace>/<name>` of the wildcard certificate's Secret, Traefik's default TLS certificate. */
  wildcardCertificateSecret: nonEmptyString,
  /** The Cloudflare record holding the router's public IP; public hostnames are published against it. */
  externalHostname: domainName,
  publicTraefikNamespace: nonEmptyString,
  privateTraefikNamespace: nonEmptyString,
  piholeNamespace: nonEmptyString,
  /** ClusterIP Service of the Pi-hole web admin (port 80). */
  piholeWebService: nonEmptyString,
  /** The admin UI's host name: Pi-hole serves its UI at `/` only for this name (webserver.domain). */
  piholeHost: domainName,
  /** The LAN name of dns_server_ip, which both Pi-holes answer (`dns.<domain>`). */
  dnsServerHost: domainName,
  /**
   * Annotation prefix only the Pi-hole external-dns instances read: `<prefix>target: <ip>` on an
   * IngressRoute gives it a LAN DNS record (IngressRoutes have no status to take an IP from).
   */
  lanDnsAnnotationPrefix: nonEmptyString,
});

export const storageContract = defineContract("storage", {
  nfsStorageClass: nonEmptyString,
  longhornStorageClass: nonEmptyString,
  /** Longhorn recurring-job groups a volume joins with `recurring-job-group.longhorn.io/<group>: enabled`. */
  backupJobGroup: nonEmptyString,
  trimJobGroup: nonEmptyString,
  nfsServer: nonEmptyString,
  /** The export apps' NFS folders live under (`nfs_share_path`): `withNfsVolume({ folder })`. */
  nfsSharePath: nonEmptyString,
  backupTarget: nonEmptyString,
  /** VolumeSnapshotClass whose snapshots are Longhorn backups on the NAS (CloudNativePG backups). */
  databaseSnapshotClass: nonEmptyString,
  /** When every database is backed up: six-field cron in UTC, seconds first (ScheduledBackup). */
  databaseBackupCron: sixFieldCron,
  longhornNamespace: nonEmptyString,
  /** ClusterIP Service of the Longhorn UI (port 80). */
  longhornUiService: nonEmptyString,
});

export const authContract = defineContract("auth", {
  /** Middleware annotation values for `traefik.ingress.kubernetes.io/router.middlewares`. */
  publicAuthMiddleware: middlewareRef,
  privateAuthMiddleware: middlewareRef,
  pocketIdIssuerUrl: httpsUrl,
  tinyauthUrl: httpsUrl,
  /** Hosts of the infrastructure UIs the auth layer publishes (Longhorn, Pi-hole, Traefik): apps may not take them. */
  uiHosts: hostList,
  /** Where later layers run their OIDC client step (lib/oidc): Pocket ID's namespace... */
  pocketIdNamespace: nonEmptyString,
  /** ...its address inside the cluster... */
  pocketIdInternalUrl: nonEmptyString,
  /** ...and the Secret there holding its STATIC_API_KEY (key `static-api-key`). */
  pocketIdApiKeySecret: nonEmptyString,
});

export type NetworkContract = ContractValues<typeof networkContract>;
export type StorageContract = ContractValues<typeof storageContract>;
export type AuthContract = ContractValues<typeof authContract>;

/** An output as it reads: a string as is, anything else as JSON. */
const shown = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * Checks an upstream stack's outputs against its contract. Every missing or invalid key is
 * reported, with the stack it was read from and how to fix it.
 */
export const validateContract = <C extends Contract<Shape>>(
  contract: C,
  outputs: Readonly<Record<string, unknown>>,
  stackName: string,
): Result<ContractValues<C>, Problem[]> => {
  const { layer } = contract;
  const fix = `deploy the ${layer} layer first (bun run deploy:${layer}), or point ${layer}_stack at the right stack`;
  const problems = Object.entries(contract.outputs).flatMap(([key, check]) => {
    const value = outputs[key];
    if (value === undefined)
      return [
        problem({ layer, key }, `is missing from stack ${stackName} (expected ${check.describe})`, fix),
      ];
    return check.test(value)
      ? []
      : [problem({ layer, key }, `of stack ${stackName} is not ${check.describe}`, fix, shown(value))];
  });
  return problems.length === 0 ? ok(outputs as ContractValues<C>) : err(problems);
};
