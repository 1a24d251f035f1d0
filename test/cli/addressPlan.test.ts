/**
 * The address plan checked as a whole (issue 27, class 3), table-driven: fixed IPs, the pool, the
 * NAS, Pi-hole's upstreams and the storage paths against each other, across the network and
 * storage layers. Each bad plan is refused by `validate`, `render` and `preview all` (in-process),
 * each exiting 1, naming the colliding keys, printing no stack trace and no canary, writing nothing.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pulumiCommand } from "../../cli/pulumi.ts";
import { main as renderMain } from "../../cli/render.ts";
import { main as validateMain } from "../../cli/validate.ts";
import {
  captureIo,
  type Edit,
  expectRefusedBy,
  fakePulumi,
  STACK,
  type StackChanges,
  scratchStack,
} from "../support/hardening.ts";

type Case = readonly [description: string, changes: StackChanges, names: readonly string[]];

const edits = (...changes: [Edit["layer"], string, string][]): StackChanges => ({
  edits: changes.map(([layer, key, value]) => ({ layer, key, value })),
});
const network = (key: string, value: string) => edits(["network", key, value]);
const storage = (key: string, value: string) => edits(["storage", key, value]);
const nas = (ip: string) => storage("nfs_hostname", ip);

const CASES: readonly Case[] = [
  // the NAS against the LAN plan (across layers)
  ["the DNS IP is the NAS", nas("192.168.4.53"), ["dns_server_ip", "nfs_hostname = 192.168.4.53", "NAS"]],
  ["the public ingress IP is the NAS", nas("192.168.4.70"), ["public_ingress_ip", "nfs_hostname"]],
  ["the private ingress IP is the NAS", nas("192.168.4.71"), ["private_ingress_ip", "nfs_hostname"]],
  [
    "the pool holds the NAS mid-range",
    nas("192.168.4.90"),
    ["ip_address_pool", "nfs_hostname = 192.168.4.90", "192.168.4.80-192.168.4.89"],
  ],
  [
    "the pool's first address is the NAS",
    nas("192.168.4.80"),
    ["ip_address_pool", "192.168.4.81-192.168.4.100"],
  ],
  [
    "the pool's last address is the NAS",
    nas("192.168.4.100"),
    ["ip_address_pool", "192.168.4.80-192.168.4.99"],
  ],
  [
    "a CIDR pool holds the NAS",
    edits(["network", "ip_address_pool", "192.168.4.96/28"], ["storage", "nfs_hostname", "192.168.4.97"]),
    ["ip_address_pool", "nfs_hostname = 192.168.4.97"],
  ],
  // one /24
  [
    "the pool in another /24 than the fixed IPs",
    network("ip_address_pool", "192.168.5.80-192.168.5.100"),
    [
      "public_ingress_ip",
      "private_ingress_ip",
      "dns_server_ip",
      "192.168.4.0/24",
      "192.168.5.0/24",
      "one /24",
    ],
  ],
  [
    "one fixed IP in the next /24",
    network("dns_server_ip", "192.168.5.53"),
    ["dns_server_ip", "192.168.5.0/24", "ip_address_pool", "192.168.4.1-192.168.4.254"],
  ],
  [
    "a 10.x plan split over two /24s",
    edits(
      ["network", "ip_address_pool", "10.0.1.80-10.0.1.100"],
      ["network", "public_ingress_ip", "10.0.2.70"],
      ["network", "private_ingress_ip", "10.0.1.71"],
      ["network", "dns_server_ip", "10.0.1.53"],
    ),
    ["public_ingress_ip", "10.0.2.0/24", "10.0.1.0/24"],
  ],
  // Pi-hole's upstreams
  [
    "the upstream is the public ingress",
    network("pihole_upstream_dns", "192.168.4.70"),
    ["pihole_upstream_dns", "public_ingress_ip (192.168.4.70)"],
  ],
  [
    "an upstream is the private ingress",
    network("pihole_upstream_dns", "1.1.1.1,192.168.4.71"),
    ["pihole_upstream_dns", "private_ingress_ip (192.168.4.71)"],
  ],
  [
    "an upstream in the pool",
    network("pihole_upstream_dns", "[9.9.9.9, 192.168.4.100]"),
    ["pihole_upstream_dns", "ip_address_pool", "remove 192.168.4.100"],
  ],
  // Longhorn's data path
  ["Longhorn on the node's root", storage("longhorn_data_path", "/"), ["longhorn_data_path", "root"]],
  ["Longhorn on the root, written //", storage("longhorn_data_path", "//"), ["longhorn_data_path", "root"]],
  ["Longhorn on /var", storage("longhorn_data_path", "/var/"), ["longhorn_data_path", "EPHEMERAL"]],
  ["Longhorn on /var/mnt", storage("longhorn_data_path", "/var/mnt"), ["longhorn_data_path", "user volume"]],
  ["Longhorn under /etc", storage("longhorn_data_path", "/etc/longhorn"), ["longhorn_data_path", "/etc"]],
  ["Longhorn in /usr", storage("longhorn_data_path", "/usr"), ["longhorn_data_path", "/usr"]],
  ["Longhorn on /boot", storage("longhorn_data_path", "/boot"), ["longhorn_data_path", "boot"]],
  ["Longhorn under /run", storage("longhorn_data_path", "/run/longhorn"), ["longhorn_data_path", "reboot"]],
  ["Longhorn under /proc", storage("longhorn_data_path", "/proc/longhorn"), ["longhorn_data_path", "/proc"]],
  ["Longhorn in /sys", storage("longhorn_data_path", "/sys"), ["longhorn_data_path", "/sys"]],
  ["Longhorn in /dev", storage("longhorn_data_path", "/dev"), ["longhorn_data_path", "/dev"]],
  [
    "Longhorn in Talos's /system",
    storage("longhorn_data_path", "/system/longhorn"),
    ["longhorn_data_path", "Talos"],
  ],
  [
    "Longhorn in the kubelet's folder",
    storage("longhorn_data_path", "/var/lib/kubelet/longhorn"),
    ["longhorn_data_path", "/var/lib/kubelet"],
  ],
  [
    "Longhorn in etcd's folder",
    storage("longhorn_data_path", "/var/lib/etcd"),
    ["longhorn_data_path", "etcd"],
  ],
  // the NFS exports
  [
    "the backups in the share itself",
    storage("longhorn_nfs_backup_path", "/volume1/kubernetes"),
    ["longhorn_nfs_backup_path", "same folder as nfs_share_path (/volume1/kubernetes)"],
  ],
  [
    "the backups in the share, written with doubled slashes",
    storage("longhorn_nfs_backup_path", "//volume1//kubernetes/"),
    ["longhorn_nfs_backup_path", "same folder as nfs_share_path"],
  ],
  [
    "the backups inside the share",
    storage("longhorn_nfs_backup_path", "/volume1/kubernetes/backups"),
    ["longhorn_nfs_backup_path", "lies inside nfs_share_path"],
  ],
  [
    "the share inside the backups",
    storage("nfs_share_path", "/volume1/backups/longhorn/k8s"),
    ["longhorn_nfs_backup_path", "holds nfs_share_path (/volume1/backups/longhorn/k8s)"],
  ],
  [
    "the share is the NAS's root",
    storage("nfs_share_path", "/"),
    ["longhorn_nfs_backup_path", "lies inside nfs_share_path (/)"],
  ],
  // every problem at once
  [
    "three collisions in one run",
    edits(
      ["storage", "nfs_hostname", "192.168.4.53"],
      ["storage", "longhorn_data_path", "/"],
      ["network", "pihole_upstream_dns", "192.168.4.70"],
    ),
    ["dns_server_ip", "longhorn_data_path", "pihole_upstream_dns", "3 config error(s)"],
  ],
  [
    "the NAS check still runs beside a broken key",
    edits(["network", "domain", "https://example.com"], ["storage", "nfs_hostname", "192.168.4.53"]),
    ["domain", "dns_server_ip", "nfs_hostname = 192.168.4.53"],
  ],
];

/** Plans that look close to a collision but are fine. */
const ACCEPTED: readonly (readonly [string, StackChanges])[] = [
  ["the NAS by IP, outside the pool, in the LAN", nas("192.168.4.10")],
  ["the NAS on another subnet", nas("192.168.1.10")],
  ["the NAS just past the pool", nas("192.168.4.101")],
  ["the router as upstream", network("pihole_upstream_dns", "192.168.4.1")],
  ["Longhorn on older Talos's path", storage("longhorn_data_path", "/var/lib/longhorn")],
  [
    "sibling exports sharing a name prefix",
    storage("longhorn_nfs_backup_path", "/volume1/kubernetes-backups"),
  ],
];

type Io = ReturnType<typeof captureIo>["io"];
const validate = (root: string) => (io: Io) => validateMain(["--stack", STACK], io, root);
const render = (root: string) => (io: Io) => renderMain(["--stack", STACK], io, root);
const _previewAll = (root: string) => async (io: Io) => {
  const { environment, calls } = fakePulumi(root, io);
  const code = await pulumiCommand(["preview", "all", "--stack", STACK], environment);
  expect(calls).toEqual([]);
  return code;
};

describe("the address plan is checked as a whole: validate, render and preview all refuse a collision, naming both keys", () => {
  for (const [description, changes, names] of CASES) {
    test(description, async () => {
      await expectRefusedBy(changes, names, ["validate", "render", "preview all"]);
    });
  }

  for (const [description, changes] of ACCEPTED) {
    test(`accepted: ${description}`, async () => {
      const captured = captureIo({ HOME: "/nonexistent" });
      expect(await validate(scratchStack(changes))(captured.io)).toBe(0);
    });
  }

  test("a share written //export//k8s renders as /export/k8s: no path in the render holds //", async () => {
    const root = scratchStack(
      edits(
        ["storage", "nfs_share_path", "//export//k8s/"],
        ["storage", "longhorn_nfs_backup_path", "/export/./backups"],
      ),
    );
    const captured = captureIo({ HOME: root });
    expect(await render(root)(captured.io)).toBe(0);
    const out = join(root, "out");
    const text = readdirSync(out)
      .map((file) => readFileSync(join(out, file), "utf8"))
      .join("\n");
    expect(text).toContain("/export/k8s");
    expect(text).toContain("nfs://nas.home.arpa:/export/backups");
    // `//` only after a URL scheme (nfs://, https://), never inside a path.
    expect(text.replaceAll(/[a-z]+:\/\//g, "")).not.toContain("//");
    expect(captured.text()).not.toContain("//export");
  });

  test("the table holds enough distinct inputs", () => {
    expect(new Set(CASES.map(([description]) => description)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(12);
  });
});
