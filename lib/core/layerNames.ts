/** The four layers, in deploy order. Each is one Pulumi project and reads only from earlier layers. */
export const LAYERS = ["network", "storage", "auth", "apps"] as const;
export type Layer = (typeof LAYERS)[number];

/** The Pulumi project name of a layer; config keys in stack files are prefixed with it. */
export const projectName = (layer: Layer): string => `homelab-${layer}`;

export const isLayer = (value: string): value is Layer => (LAYERS as readonly string[]).includes(value);

/** What destroying a layer deletes for good; `destroy` refuses without an explicit confirmation. */
export const DATA_HELD: Readonly<Record<Layer, string>> = {
  network:
    "LAN DNS and ingress until the next deploy, Pi-hole's query history and web-UI changes (its settings and records come back from config and external-dns), and the wildcard certificate (issued again on the next deploy)",
  storage:
    "Longhorn itself and with it every Longhorn volume in the cluster, plus the backup and trim schedules",
  auth: "the Pocket ID volume (users, passkeys, OAuth clients) and Tinyauth's volume (sessions)",
  apps: "every app's Longhorn volumes and Postgres databases (NFS data stays on the NAS)",
};
