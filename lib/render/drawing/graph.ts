/**
 * The drawing as graphs, before layout: three sections (the network and its hosts, the layers and
 * their exports, storage and backups), each a set of boxes (a title and lines of text), links and
 * groups. Pure; the layout (layout.ts) places them, the SVG writer (svg.ts) draws them.
 */
import type { ClusterModel, HostFact, JobFact, VolumeFact } from "./model.ts";

/** How a box is drawn; the SVG writer holds one style per tone. */
export type Tone = "internet" | "lan" | "dns" | "ingress" | "host" | "layer" | "volume" | "job" | "nas";

export interface Box {
  id: string;
  title: string;
  lines: string[];
  tone: Tone;
  /** The group it is drawn inside, if any. */
  group?: string;
}

interface Link {
  from: string;
  to: string;
  label?: string;
  dashed?: boolean;
  /** How many columns apart at least (default 1): 2 puts a column between, for the link to pass through. */
  span?: number;
}

export interface Section {
  title: string;
  boxes: Box[];
  links: Link[];
  groups: { id: string; title: string }[];
}

const hostId = (host: string) => `host:${host}`;
const classId = (ingressClass: string) => `class:${ingressClass}`;

const hostBox = (host: HostFact): Box => ({
  id: hostId(host.host),
  title: host.host,
  lines: [
    ...host.routes.map((route) => `${route.ingressClass}: ${route.auth.join(" + ")}`),
    ...host.dns.map((answer) => `${answer.server}: ${answer.answer}`),
  ],
  tone: "host",
});

const ingressBoxes = (model: ClusterModel): Box[] => {
  const { network } = model;
  return [
    {
      id: classId(network.publicIngressClass),
      title: `Traefik public ${network.publicIngressIp}`,
      lines: [`class ${network.publicIngressClass}`, "from the internet (router 80/443) and the LAN"],
      tone: "ingress",
      group: "lan",
    },
    {
      id: classId(network.privateIngressClass),
      title: `Traefik private ${network.privateIngressIp}`,
      lines: [`class ${network.privateIngressClass}`, "LAN only"],
      tone: "ingress",
      group: "lan",
    },
  ];
};

/** The router, both Traefiks, Pi-hole, the MetalLB pool, the NAS; the internet; every host. */
const networkSection = (model: ClusterModel): Section => {
  const { network, storage } = model;
  const record = model.publicRecord;
  const autoPools = model.pools.filter((pool) => pool.autoAssign).flatMap((pool) => pool.addresses);
  const boxes: Box[] = [
    { id: "internet", title: "Internet clients", lines: [], tone: "internet" },
    {
      id: "cloudflare",
      title: "Cloudflare DNS",
      lines: record
        ? [`${record.name} ${record.type} ${record.content}`, "public hosts: CNAME of it"]
        : ["public_dns_provider: none", "public hosts are published nowhere"],
      tone: "dns",
    },
    {
      id: "router",
      title: "Router",
      lines: [`public IP ${record?.content ?? "(not published)"}`, `80/443 -> ${network.publicIngressIp}`],
      tone: "lan",
      group: "lan",
    },
    {
      id: "lan-clients",
      title: "LAN clients",
      lines: [`DNS server ${network.dnsServerIp}`],
      tone: "lan",
      group: "lan",
    },
    {
      id: "pihole",
      title: `Pi-hole DNS ${network.dnsServerIp}`,
      lines: [network.dnsServerHost, "answers every host on the LAN"],
      tone: "dns",
      group: "lan",
    },
    ...ingressBoxes(model),
    {
      id: "pool",
      title: "MetalLB pool",
      lines: [...autoPools, ...model.fixedIps.map((fixed) => `fixed ${fixed.ip}: ${fixed.service}`)],
      tone: "lan",
      group: "lan",
    },
    {
      id: "nas",
      title: `NAS ${storage.nfsServer}`,
      lines: [storage.nfsSharePath, storage.backupTarget],
      tone: "nas",
      group: "lan",
    },
    ...model.hosts.map(hostBox),
  ];
  const links: Link[] = [
    // Unlabelled (the title says what dashed and solid mean): a label is a node of its own to the layout.
    { from: "internet", to: "cloudflare", dashed: true },
    { from: "internet", to: "router" },
    { from: "router", to: classId(network.publicIngressClass) },
    // Two columns on, as the internet's path: LAN clients stand where internet clients do, not beside the router.
    { from: "lan-clients", to: "pihole", dashed: true, span: 2 },
    { from: "lan-clients", to: classId(network.privateIngressClass), span: 2 },
    ...model.hosts.flatMap((host) =>
      host.routes.map((route) => ({ from: classId(route.ingressClass), to: hostId(host.host) })),
    ),
  ];
  // Every fixed IP and the pool lie in one /24 (the address plan's rule, lib/layers/network/addressPlan.ts).
  const lan = `${network.privateIngressIp.split(".").slice(0, 3).join(".")}.0/24`;
  return {
    title: "Network and hosts (solid: HTTPS traffic, dashed: DNS lookups)",
    boxes,
    links,
    groups: [{ id: "lan", title: `LAN ${lan}` }],
  };
};

/** Deploy order left to right: each layer after the one before it, and an arrow from each layer it reads. */
const layersSection = (model: ClusterModel): Section => ({
  title: "Layers, in deploy order: what each exports to the next",
  boxes: model.layers.map((layer) => ({
    id: `layer:${layer.layer}`,
    title: `${layer.layer} (${layer.counts})`,
    lines: layer.exports,
    tone: "layer",
  })),
  links: model.layers.flatMap((layer, index) => {
    const before = model.layers[index - 1]?.layer;
    const order =
      before === undefined || layer.reads.includes(before)
        ? []
        : [{ from: `layer:${before}`, to: `layer:${layer.layer}`, label: "deployed before", dashed: true }];
    const reads = layer.reads.map((upstream) => ({
      from: `layer:${upstream}`,
      to: `layer:${layer.layer}`,
      label: "reads",
    }));
    return [...order, ...reads];
  }),
  groups: [],
});

const jobsOf = (volume: VolumeFact, jobs: readonly JobFact[]): JobFact[] =>
  jobs.filter((job) => job.groups.some((group) => volume.groups.includes(group)));

const isDatabase = (volume: VolumeFact): boolean => volume.label.startsWith("Postgres ");
const DATABASE_BACKUP = "database-backup";

const volumeBox = (volume: VolumeFact, index: number, model: ClusterModel): Box => ({
  id: `volume:${index}`,
  title: volume.label,
  lines: [
    `${volume.storageClass}, ${volume.size} (${volume.layer} layer)`,
    ...jobsOf(volume, model.jobs).map((job) => `${job.name}: ${job.localTime} local`),
    ...(isDatabase(volume) && model.databaseBackup
      ? [`${DATABASE_BACKUP}: ${model.databaseBackup} local`]
      : []),
  ],
  tone: "volume",
});

/** The databases' own backups (CloudNativePG volume snapshots that Longhorn stores in the backup target). */
const databaseBackup = (model: ClusterModel): { boxes: Box[]; links: Link[] } => {
  const databases = model.volumes.flatMap((volume, index) => (isDatabase(volume) ? [index] : []));
  if (model.databaseBackup === undefined || databases.length === 0) return { boxes: [], links: [] };
  const id = `job:${DATABASE_BACKUP}`;
  return {
    boxes: [
      {
        id,
        title: `${DATABASE_BACKUP} (CloudNativePG)`,
        lines: [`${model.databaseBackup} local`, "online volume snapshots of each database"],
        tone: "job",
      },
    ],
    links: [...databases.map((index) => ({ from: `volume:${index}`, to: id })), { from: id, to: "target" }],
  };
};

/** Volumes to where their data lives, Longhorn's jobs (in local time) to the backup target. */
const storageSection = (model: ClusterModel): Section => {
  const { storage } = model;
  const longhorn = storage.longhornStorageClass;
  const boxes: Box[] = [
    {
      id: "longhorn",
      title: `Longhorn (class ${longhorn})`,
      lines: ["volumes on the nodes' disks"],
      tone: "job",
    },
    {
      id: "share",
      title: `NAS share ${storage.nfsServer}:${storage.nfsSharePath}`,
      lines: [`class ${storage.nfsStorageClass} and static NFS volumes`, "kept on the NAS: back it up there"],
      tone: "nas",
    },
    { id: "target", title: "Backup target", lines: [storage.backupTarget], tone: "nas" },
    ...model.volumes.map((volume, index) => volumeBox(volume, index, model)),
    ...model.jobs.map((job) => ({
      id: `job:${job.name}`,
      title: `${job.name} (${job.task})`,
      lines: [
        `${job.localTime} local`,
        job.groups.length > 0 ? `volumes in group ${job.groups.join(", ")}` : "the whole Longhorn system",
      ],
      tone: "job" as const,
    })),
  ];
  const links: Link[] = [
    ...model.volumes.flatMap((volume, index) => {
      const onNas = volume.storageClass === storage.nfsStorageClass || volume.storageClass.startsWith("NFS ");
      const to = volume.storageClass === longhorn ? "longhorn" : onNas ? "share" : undefined;
      return to === undefined ? [] : [{ from: `volume:${index}`, to }];
    }),
    ...model.jobs.map((job) => ({ from: "longhorn", to: `job:${job.name}` })),
    ...model.jobs
      .filter((job) => job.task === "backup" || job.task === "system-backup")
      .map((job) => ({ from: `job:${job.name}`, to: "target" })),
  ];
  const databases = databaseBackup(model);
  return {
    title: `Storage and backups (local time: ${model.timeZone})`,
    boxes: [...boxes, ...databases.boxes],
    links: [...links, ...databases.links],
    groups: [],
  };
};

export const sectionsOf = (model: ClusterModel): Section[] => [
  networkSection(model),
  layersSection(model),
  storageSection(model),
];
