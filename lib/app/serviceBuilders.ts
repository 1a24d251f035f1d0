/** Builders for where an app lives and how the LAN reaches it beyond HTTP. */
import { once } from "./builders.ts";
import { type AppBuilder, update } from "./spec.ts";

/**
 * Puts the app into a namespace it shares with other apps (by default each app has its own, named
 * after it). The Namespace object exists once; apps sharing it must need the same Pod Security level.
 * @example
 * ```ts
 * pipe(
 *   app("jellyfin", { image: "jellyfin/jellyfin:10.10.7", port: 8096, user: 1000 }),
 *   withNamespace("media"),
 * )
 * ```
 */
export const withNamespace = (namespace: string): AppBuilder =>
  once("withNamespace", "namespace", (spec) => update(spec, { namespace }));

export interface LoadBalancerOptions {
  /** The Service's name; apps declaring the same load balancer share the one Service. */
  name: string;
  /** The fixed LAN IP, from `pool` (the network layer's MetalLB pools). */
  ip: string;
  pool: string;
  /** Container port names (from `withPorts`), served on the same port numbers and protocols. */
  ports: readonly string[];
  /** `Cluster` (default) spreads over every endpoint; `Local` keeps client IPs but only uses local ones. */
  externalTrafficPolicy?: "Local" | "Cluster";
  /** Gives `ip` the LAN name `<lanSubdomain>.<domain>` in Pi-hole (an annotation external-dns reads). */
  lanSubdomain?: string;
  /**
   * Keep this many of the balancer's pods Ready through node drains and Talos upgrades (a
   * PodDisruptionBudget over every app sharing the balancer). Needs more pods than that, or drains wait forever.
   */
  minAvailable?: number;
}

/**
 * Serves named container ports on a fixed LAN IP through a MetalLB LoadBalancer Service.
 * @example
 * ```ts
 * pipe(
 *   app("mosquitto", { image: "eclipse-mosquitto:2.0.21", user: 1883 }),
 *   withPorts([{ name: "mqtt", port: 1883 }]),
 *   withLoadBalancer({ name: "mqtt", ip: "192.168.4.90", pool: "lan", ports: ["mqtt"], lanSubdomain: "mqtt" }),
 * )
 * ```
 */
export const withLoadBalancer = (options: LoadBalancerOptions): AppBuilder =>
  once("withLoadBalancer", "loadBalancer", (spec) =>
    update(spec, {
      loadBalancer: {
        name: options.name,
        ip: options.ip,
        pool: options.pool,
        ports: [...options.ports],
        externalTrafficPolicy: options.externalTrafficPolicy ?? "Cluster",
        ...(options.lanSubdomain === undefined ? {} : { lanSubdomain: options.lanSubdomain }),
        ...(options.minAvailable === undefined ? {} : { minAvailable: options.minAvailable }),
      },
    }),
  );
