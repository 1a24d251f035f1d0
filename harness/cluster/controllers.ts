/** Stand-ins for the charts' controllers while bun run e2e deploys (no kubelet runs them). */
import { type Clients, provisionPendingClaims } from "./api.ts";
import { longhornStorageClass } from "./storage.ts";

/**
 * What the charts' own controllers would do that a deploy waits for, every second until stopped:
 * Longhorn's manager makes its StorageClass once its chart is in (read here from the release's
 * values); its CSI driver and the NFS driver provision claims (the harness's simulated provisioner).
 */
export const simulateStorageControllers = (
  clients: Clients,
  longhornValues: Record<string, unknown>,
): { stop: () => Promise<void>; events: string[] } => {
  const events: string[] = [];
  let running = true;
  const tick = async () => {
    const crds = await clients.extensions.listCustomResourceDefinition();
    const longhornIn = crds.items.some((crd) => crd.metadata?.name === "volumes.longhorn.io");
    if (longhornIn) {
      const classes = await clients.storage.listStorageClass();
      if (!classes.items.some((c) => c.metadata?.name === "longhorn")) {
        await clients.storage.createStorageClass({ body: longhornStorageClass(longhornValues) as never });
        events.push("created StorageClass longhorn (as Longhorn's manager does from its chart)");
      }
    }
    for (const claim of await provisionPendingClaims(clients))
      events.push(`provisioned a volume for ${claim}`);
  };
  const loop = (async () => {
    while (running) {
      await tick().catch((error: unknown) => events.push(`simulated controllers: ${String(error)}`));
      await Bun.sleep(1000);
    }
  })();
  return {
    events,
    stop: async () => {
      running = false;
      await loop;
    },
  };
};
