/**
 * The short report `bun run render` prints: what each layer creates, the IP plan and every
 * hostname with its exposure and auth, read back from the rendered objects themselves.
 */

import { METALLB_IPS } from "../k8s/annotations.ts";
import type { KubernetesObject } from "./documents.ts";
import type { RenderedLayer } from "./render.ts";
import { hostRoutes } from "./routes.ts";

const loadBalancerIps = (object: KubernetesObject): string[] => {
  if (object.kind !== "Service") return [];
  const ips = object.metadata.annotations?.[METALLB_IPS];
  return ips ? [`${ips.padEnd(16)} ${object.metadata.namespace}/${object.metadata.name}`] : [];
};

const table = (rows: string[][]): string[] => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ")}`.trimEnd(),
  );
};

export const summarize = (stack: string, layers: readonly RenderedLayer[]): string => {
  const lines = [`Rendered stack ${stack}.`];
  lines.push(
    ...table(
      layers.map((layer) => [
        layer.layer,
        `${layer.documents.kubernetes.length} objects`,
        `${layer.documents.helm.length} Helm releases`,
        `${layer.documents.external.length} external`,
      ]),
    ),
  );
  for (const layer of layers) {
    if (layer.notes.length > 0) lines.push("", `${layer.layer}:`, ...layer.notes.map((note) => `  ${note}`));
  }
  const objects = layers.flatMap((layer) => layer.documents.kubernetes.map(({ body }) => body));
  const ips = objects.flatMap(loadBalancerIps).sort();
  if (ips.length > 0) lines.push("", "Fixed LoadBalancer IPs:", ...ips.map((ip) => `  ${ip}`));
  const hosts = objects.flatMap(hostRoutes).sort((a, b) => a.host.localeCompare(b.host));
  if (hosts.length > 0) {
    lines.push(
      "",
      "Hostnames:",
      ...table([
        ["host", "class", "auth", "object"],
        ...hosts.map((h) => [h.host, h.ingressClass, h.middlewares === "" ? "none" : h.middlewares, h.owner]),
      ]),
    );
  }
  return lines.join("\n");
};
