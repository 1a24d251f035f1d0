/** Services: in-cluster (ClusterIP) and on a fixed LAN IP (a MetalLB LoadBalancer). */

import type { CoreObject, ObjectMeta } from "../core/plan.ts";
import { METALLB_IPS, METALLB_POOL } from "./annotations.ts";

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  /** The container port's name (default: the Service port's name). */
  readonly targetPort?: string;
  readonly protocol?: "TCP" | "UDP";
}

const ports = (list: readonly ServicePort[]) =>
  list.map((port) => ({
    name: port.name,
    port: port.port,
    targetPort: port.targetPort ?? port.name,
    protocol: port.protocol ?? "TCP",
  }));

export interface ClusterIpOptions {
  /**
   * Keep the addresses of pods that are not Ready: in-cluster clients reach a pod whose readiness
   * only governs the traffic it takes on other Services (a load balancer).
   */
  publishNotReadyAddresses?: boolean;
}

export const clusterIpService = (
  metadata: ObjectMeta,
  selector: Readonly<Record<string, string>>,
  servicePorts: readonly ServicePort[],
  options: ClusterIpOptions = {},
): CoreObject<"v1/Service"> => ({
  apiVersion: "v1",
  kind: "Service",
  metadata,
  spec: {
    type: "ClusterIP",
    selector: { ...selector },
    ports: ports(servicePorts),
    ...(options.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
  },
});

export interface LoadBalancerServiceOptions {
  /** The fixed IP MetalLB gives the Service, from `pool`. */
  ip: string;
  pool: string;
  /** `Local` keeps client addresses; `Cluster` spreads over every endpoint on any node. */
  externalTrafficPolicy: "Local" | "Cluster";
}

export const loadBalancerService = (
  metadata: ObjectMeta,
  selector: Readonly<Record<string, string>>,
  servicePorts: readonly ServicePort[],
  options: LoadBalancerServiceOptions,
): CoreObject<"v1/Service"> => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: {
    ...metadata,
    annotations: { ...metadata.annotations, [METALLB_IPS]: options.ip, [METALLB_POOL]: options.pool },
  },
  spec: {
    type: "LoadBalancer",
    externalTrafficPolicy: options.externalTrafficPolicy,
    selector: { ...selector },
    ports: ports(servicePorts),
  },
});
