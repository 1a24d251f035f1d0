/**
 * The rules of the builders in podBuilders.ts and serviceBuilders.ts (ports, scratch folders,
 * cluster access, placement, TCP probes), one small function each; part of `validateApp`.
 */
import { ipv4ToNumber } from "../../config/ip.ts";
import type { Problem } from "../../core/problem.ts";
import { duplicates, isDns1035Label, isDnsLabel, isPositiveSize, systemPathProblem } from "../predicates.ts";
import type { AppSpec } from "../spec.ts";
import { type AppRule, inApp } from "./rule.ts";

type Add = (part: string, what: string, fix: string) => void;

/** A rule written as a list of `add(part, what, fix)` checks. */
const collecting =
  (check: (spec: AppSpec, add: Add) => void): AppRule =>
  (spec) => {
    const found: Problem[] = [];
    check(spec, (part, what, fix) => found.push(inApp(spec, part, what, fix)));
    return found;
  };

/** A container port name (IANA_SVC_NAME): at most 15 characters, lowercase, at least one letter. */
const isPortName = (name: string): boolean =>
  name.length <= 15 &&
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) &&
  /[a-z]/.test(name) &&
  !name.includes("--");

const portNames = (spec: AppSpec): string[] => [
  ...(spec.port === undefined ? [] : ["http"]),
  ...(spec.ports ?? []).map((port) => port.name),
];

export const portsRule = collecting((spec, add) => {
  for (const port of spec.ports ?? []) {
    if (!isPortName(port.name))
      add(
        "withPorts",
        `port name ${JSON.stringify(port.name)} is not an IANA service name`,
        "use at most 15 lowercase letters, digits and dashes, e.g. dns-udp",
      );
    if (!(Number.isInteger(port.port) && port.port >= 1 && port.port <= 65535))
      add("withPorts", `port ${port.port} is not a port number`, "use a whole number from 1 to 65535");
  }
  for (const dup of duplicates(portNames(spec)))
    add(
      "withPorts",
      `port name ${dup} is used twice (the app's own port is named http)`,
      "give every port its own name",
    );
  const bindings = (spec.ports ?? []).map((port) => `${port.port}/${port.protocol}`);
  for (const dup of duplicates([...(spec.port === undefined ? [] : [`${spec.port}/TCP`]), ...bindings]))
    add("withPorts", `${dup} is declared twice`, "declare each port and protocol once");
});

const mountPaths = (spec: AppSpec): string[] => [
  ...spec.volumes.map((volume) => volume.mountPath),
  ...(spec.emptyDirs ?? []).map((dir) => dir.mountPath),
  ...(spec.readOnlyRoot ? ["/tmp"] : []),
];

export const scratchRule = collecting((spec, add) => {
  for (const dir of spec.emptyDirs ?? []) {
    const where = `withEmptyDir ${JSON.stringify(dir.name)}`;
    if (!isDnsLabel(dir.name))
      add(where, "the name is not a DNS label", "use lowercase letters, digits and dashes");
    const pathProblem = dir.mountPath.startsWith("/") ? systemPathProblem(dir.mountPath) : "is not absolute";
    if (pathProblem !== undefined)
      add(where, `mountPath ${dir.mountPath} ${pathProblem}`, "mount it at an absolute folder of its own");
    if (!isPositiveSize(dir.sizeLimit))
      add(where, `sizeLimit ${dir.sizeLimit} is not a size above zero`, "write e.g. 64Mi");
  }
  if (spec.readOnlyRoot !== undefined && !isPositiveSize(spec.readOnlyRoot.tmpSize))
    add(
      "withReadOnlyRootFilesystem",
      `tmpSize ${spec.readOnlyRoot.tmpSize} is not a size above zero`,
      "write e.g. 64Mi",
    );
  // Clashes among volumes and config files are volumeProblems' to report; these involve a scratch folder.
  const scratchNames = [
    ...(spec.emptyDirs ?? []).map((dir) => dir.name),
    ...(spec.readOnlyRoot ? ["tmp"] : []),
  ];
  const names = [...spec.volumes.map((volume) => volume.name), ...scratchNames];
  for (const dup of duplicates(names).filter((name) => scratchNames.includes(name)))
    add(
      "withEmptyDir",
      `volume name ${dup} is used twice (a read-only root uses tmp)`,
      "give every volume its own name",
    );
  const scratchPaths = mountPaths(spec).slice(spec.volumes.length);
  const paths = [...mountPaths(spec), ...spec.configFiles.map((file) => file.path)];
  for (const dup of duplicates(paths).filter((path) => scratchPaths.includes(path)))
    add(
      "withEmptyDir",
      `${dup} is mounted twice (a read-only root mounts /tmp)`,
      "mount every volume at its own folder",
    );
});

export const accessRule = collecting((spec, add) => {
  const rules = spec.clusterRead;
  if (rules !== undefined && (rules.length === 0 || rules.some((rule) => rule.resources.length === 0)))
    add(
      "withClusterReadAccess",
      "names no resources to read",
      'list them: [{ apiGroups: ["networking.k8s.io"], resources: ["ingresses"] }]',
    );
  for (const resource of (rules ?? []).flatMap((rule) => rule.resources))
    if (!/^[a-z][a-z0-9]*(\/[a-z]+)?$/.test(resource))
      add(
        "withClusterReadAccess",
        `${JSON.stringify(resource)} is not a plural resource name`,
        "write resources in lowercase plural, e.g. ingresses (never *)",
      );
  for (const app of spec.apartFrom ?? [])
    if (!isDnsLabel(app))
      add(
        "preferNodesApartFrom",
        `${JSON.stringify(app)} is not an app name`,
        "name apps by their app() names",
      );
  if (spec.apartFrom !== undefined && spec.apartFrom.length === 0)
    add("preferNodesApartFrom", "names no app", "name the apps to keep apart from");
  if (spec.privilegeEscalation !== undefined && spec.privilegeEscalation.trim() === "")
    add(
      "allowPrivilegeEscalation",
      "gives no reason",
      'say why: allowPrivilegeEscalation("start script hands capabilities to FTL with setcap")',
    );
});

export const placementRule = collecting((spec, add) => {
  if (spec.namespace !== undefined && !isDnsLabel(spec.namespace))
    add(
      "withNamespace",
      `${JSON.stringify(spec.namespace)} is not a DNS label`,
      "use lowercase letters, digits and dashes",
    );
  const balancer = spec.loadBalancer;
  if (balancer === undefined) return;
  if (!isDns1035Label(balancer.name))
    add(
      "withLoadBalancer",
      `name ${JSON.stringify(balancer.name)} is not a Service name`,
      "use a DNS-1035 label, e.g. dns",
    );
  if (ipv4ToNumber(balancer.ip) === undefined)
    add(
      "withLoadBalancer",
      `ip ${JSON.stringify(balancer.ip)} is not an IPv4 address`,
      "write e.g. 192.168.1.53",
    );
  if (!isDnsLabel(balancer.pool))
    add(
      "withLoadBalancer",
      `pool ${JSON.stringify(balancer.pool)} is not a pool name`,
      "name a MetalLB pool of the network layer",
    );
  if (balancer.ports.length === 0)
    add("withLoadBalancer", "serves no port", "name ports declared with withPorts");
  if (balancer.lanSubdomain !== undefined && !isDnsLabel(balancer.lanSubdomain))
    add(
      "withLoadBalancer",
      `lanSubdomain ${JSON.stringify(balancer.lanSubdomain)} is not a DNS label`,
      "use lowercase letters, digits and dashes, e.g. dns",
    );
  if (
    balancer.minAvailable !== undefined &&
    !(Number.isInteger(balancer.minAvailable) && balancer.minAvailable >= 1)
  )
    add(
      "withLoadBalancer",
      `minAvailable ${balancer.minAvailable} is not a whole number of pods from 1`,
      "keep at least 1 pod, and fewer than the pods behind the balancer",
    );
  const declared = new Set((spec.ports ?? []).map((port) => port.name));
  for (const port of balancer.ports)
    if (!declared.has(port))
      add("withLoadBalancer", `port ${port} is not declared`, "declare it with withPorts first");
});

/** A TCP probe names a declared port. */
export const tcpProbeRule = collecting((spec, add) => {
  const port = spec.probes?.tcpPort;
  if (port !== undefined && !portNames(spec).includes(port))
    add("withProbes", `tcpPort ${port} is not a port of the app`, "name a port from withPorts, or http");
});
