/**
 * Paths that would be disastrous: Longhorn's data on a node's system folders, and NFS backups in
 * the same folder tree as the volumes they protect. Paths arrive normalized (`absolutePath`).
 */
import type { Problem } from "../../core/problem.ts";

/** `path` is `folder` or lies under it. */
const within = (path: string, folder: string): boolean =>
  folder === "/" || path === folder || path.startsWith(`${folder}/`);

/**
 * Folders Longhorn must not store volumes in, nor under, with the reason. On Talos the root
 * filesystem is read-only and only /var (the EPHEMERAL partition) and the user volumes under
 * /var/mnt are writable; the others are the OS, memory or the kernel's, or another component's data.
 */
const NEVER_UNDER: readonly (readonly [folder: string, why: string])[] = [
  ["/boot", "the boot partition"],
  ["/etc", "the OS's configuration (read-only on Talos)"],
  ["/usr", "the OS's programs (read-only on Talos)"],
  ["/bin", "the OS's programs (read-only on Talos)"],
  ["/sbin", "the OS's programs (read-only on Talos)"],
  ["/lib", "the OS's libraries (read-only on Talos)"],
  ["/lib64", "the OS's libraries (read-only on Talos)"],
  ["/proc", "the kernel's process view, not storage"],
  ["/sys", "the kernel's device view, not storage"],
  ["/dev", "device files, held in memory"],
  ["/run", "runtime state held in memory: gone at every reboot"],
  ["/tmp", "temporary files: gone at reboot"],
  ["/system", "Talos's own state and runtime, held in memory"],
  ["/var/lib/etcd", "etcd's data: the cluster's whole state"],
  ["/var/lib/kubelet", "the kubelet's data: pods' volumes are mounted there"],
  ["/var/lib/containerd", "containerd's images and containers"],
  ["/var/log", "the node's logs"],
  ["/var/run", "runtime state held in memory: gone at every reboot"],
];

/** Folders Longhorn must not take as a whole: they hold other components' data below them. */
const NEVER_AT: readonly (readonly [folder: string, why: string])[] = [
  ["/", "the node's root: every system file lives below it"],
  ["/var", "Talos's EPHEMERAL partition itself: etcd, the kubelet, containerd and the logs live below it"],
  ["/var/lib", "the parent of etcd's, the kubelet's and containerd's data"],
  ["/var/mnt", "the parent of every Talos user volume's mount point"],
];

const DATA_PATH_FIX =
  "use a folder of its own on a data disk: /var/mnt/longhorn (the Talos >= 1.10 user volume `longhorn`, the default) or /var/lib/longhorn on older Talos";

export const dataPathErrors = (path: string | undefined): Problem[] => {
  if (path === undefined) return [];
  const at = NEVER_AT.find(([folder]) => path === folder);
  const under = NEVER_UNDER.find(([folder]) => within(path, folder));
  const hit = at ?? under;
  if (!hit) return [];
  const [folder, why] = hit;
  return [
    {
      where: { key: "longhorn_data_path" },
      value: path,
      what: `${path === folder ? "is" : `lies in ${folder},`} ${why}; Longhorn would fill it with volume data (or lose it)`,
      fix: DATA_PATH_FIX,
    },
  ];
};

/** The backup export and the volumes' export must be separate folder trees. */
export const nfsPathErrors = (share: string | undefined, backup: string | undefined): Problem[] => {
  if (share === undefined || backup === undefined) return [];
  const how =
    share === backup
      ? "is the same folder as"
      : within(backup, share)
        ? "lies inside"
        : within(share, backup)
          ? "holds"
          : undefined;
  return how === undefined
    ? []
    : [
        {
          where: { key: "longhorn_nfs_backup_path" },
          value: backup,
          what: `${how} nfs_share_path (${share}), where the nfs StorageClass makes a folder per claim: backups would share a folder tree with the volumes they protect, so one deleted or full export loses both`,
          fix: "use two separate folders, neither inside the other, e.g. nfs_share_path /volume1/kubernetes and longhorn_nfs_backup_path /volume1/backups/longhorn",
        },
      ];
};
