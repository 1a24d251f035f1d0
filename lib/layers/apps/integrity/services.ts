/** Services and Ingresses reach what they route to: exactly one workload, and ports that exist. */
import type { Problem } from "../../../core/problem.ts";
import {
  broken,
  type IngressView,
  type Inventory,
  matches,
  type ServiceView,
  serviceView,
} from "./inventory.ts";

export const serviceRule = (service: ServiceView, inventory: Inventory): Problem[] => {
  const pods = inventory.workloadsIn(service.namespace).filter((w) => matches(service.selector, w.labels));
  const [pod] = pods;
  if (pods.length !== 1 || !pod)
    return [broken(service.id, `its selector matches ${pods.length} workloads; it must match exactly one`)];
  const containerPorts = pod.containers.flatMap((container) => container.ports);
  return service.ports.flatMap((port) => {
    const target = port.targetPort ?? port.port;
    const found = containerPorts.filter((p) =>
      typeof target === "string" ? p.name === target : p.containerPort === target,
    );
    return found.length === 1
      ? []
      : [
          broken(
            service.id,
            `port ${port.name ?? port.port} targets ${target}, which ${found.length === 0 ? "no" : "more than one"} container port matches`,
          ),
        ];
  });
};

export const ingressRule = (ingress: IngressView, inventory: Inventory): Problem[] =>
  ingress.backends.flatMap((backend) => {
    if (!backend) return [broken(ingress.id, "a path has no service backend")];
    const services = inventory.find("Service", ingress.namespace, backend.name);
    const [service] = services;
    if (services.length !== 1 || !service)
      return [broken(ingress.id, `routes to Service ${backend.name}, which does not exist`)];
    const { name, number } = backend.port;
    const ports = serviceView(service).ports.filter((p) =>
      name !== undefined ? p.name === name : p.port === number,
    );
    return ports.length === 1
      ? []
      : [
          broken(
            ingress.id,
            `routes to port ${name ?? number} of Service ${backend.name}, which it does not have`,
          ),
        ];
  });
