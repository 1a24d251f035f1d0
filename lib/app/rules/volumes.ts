/** The app's volumes (withNfsVolume, withLonghornVolume) and where they and its config files mount. */
import { absolutePath } from "../../config/values.ts";
import {
  duplicates,
  isDnsLabel,
  isOversized,
  isPositiveSize,
  MAX_VOLUME_SIZE,
  systemPathProblem,
} from "../predicates.ts";
import type { Volume } from "../spec.ts";
import { type AppRule, inApp, when } from "./rule.ts";

/** The volume name the renderer uses for config files. */
export const CONFIG_VOLUME = "config-files";

export const volumeNamesRule: AppRule = (spec) =>
  duplicates(spec.volumes.map((volume) => volume.name)).map((dup) =>
    inApp(
      spec,
      `volume "${dup}"`,
      "the volume name is used more than once",
      "give every volume its own name",
    ),
  );

export const mountPathsRule: AppRule = (spec) =>
  duplicates([...spec.volumes.map((v) => v.mountPath), ...spec.configFiles.map((f) => f.path)]).map((dup) =>
    inApp(
      spec,
      `mount path ${dup}`,
      "more than one volume or config file is mounted there",
      "mount each volume and config file at its own path",
    ),
  );

const builderOf = (volume: Volume): string =>
  `${volume.kind === "nfs" ? "withNfsVolume" : "withLonghornVolume"} "${volume.name}"`;

/** Name, mount path and size of each volume. */
export const volumeShapeRule: AppRule = (spec) =>
  spec.volumes.flatMap((volume) => {
    const part = builderOf(volume);
    const system = systemPathProblem(volume.mountPath);
    return [
      ...when(!isDnsLabel(volume.name), () =>
        inApp(
          spec,
          part,
          "the volume name is not a DNS-1123 label",
          "use lowercase letters, digits and dashes, e.g. data",
        ),
      ),
      ...when(volume.name === CONFIG_VOLUME, () =>
        inApp(
          spec,
          part,
          `the name ${CONFIG_VOLUME} is reserved for config files`,
          "pick another volume name",
        ),
      ),
      ...when(!volume.mountPath.startsWith("/"), () =>
        inApp(
          spec,
          part,
          `mountPath ${JSON.stringify(volume.mountPath)} is relative`,
          `write it absolute, e.g. /${volume.mountPath}`,
        ),
      ),
      ...when(!isPositiveSize(volume.size), () =>
        inApp(
          spec,
          part,
          `size ${JSON.stringify(volume.size)} is not a storage quantity above zero`,
          "write e.g. 10Gi or 500Mi",
        ),
      ),
      ...when(isOversized(volume.size), () =>
        inApp(
          spec,
          part,
          `size ${JSON.stringify(volume.size)} is above ${MAX_VOLUME_SIZE}, more than a homelab disk or share holds`,
          `check the unit (e.g. 500Gi, not 500Ti); at most ${MAX_VOLUME_SIZE}`,
        ),
      ),
      ...when(system !== undefined, () =>
        inApp(
          spec,
          part,
          `mountPath ${JSON.stringify(volume.mountPath)} ${system}`,
          "mount it at a folder of the app's own, e.g. /data",
        ),
      ),
    ];
  });

/** A folder under the share: plain names, no `..`, no leading or doubled `/`. */
const FOLDER = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** An NFS volume's export: an absolute path parsed like the storage layer's config paths, or a folder under the share. */
export const nfsPathRule: AppRule = (spec) =>
  spec.volumes.flatMap((volume) => {
    if (volume.kind !== "nfs") return [];
    if ((volume.path === undefined) === (volume.folder === undefined))
      return [
        inApp(
          spec,
          builderOf(volume),
          "needs exactly one of path and folder",
          'write folder: "<app>" for a folder under nfs_share_path, or path: "/<export>" for another export',
        ),
      ];
    if (volume.folder !== undefined)
      return FOLDER.test(volume.folder) && !volume.folder.split("/").includes("..")
        ? []
        : [
            inApp(
              spec,
              builderOf(volume),
              `NFS folder ${JSON.stringify(volume.folder)} is not a folder under the share`,
              'write a relative folder such as "photos" or "photos/library" (no leading /, no ..)',
            ),
          ];
    return absolutePath(volume.path ?? "").match(
      () => [],
      ({ what, fix }) => [
        inApp(spec, builderOf(volume), `NFS path ${JSON.stringify(volume.path)} ${what}`, fix),
      ],
    );
  });

/** A Longhorn volume is ReadWriteOnce: one node, so one replica. */
export const longhornReplicasRule: AppRule = (spec) =>
  spec.volumes.flatMap((volume) =>
    when(volume.kind === "longhorn" && spec.replicas > 1, () =>
      inApp(
        spec,
        builderOf(volume),
        `a Longhorn volume attaches to one node, but the app asks for ${spec.replicas} replicas`,
        "use replicas: 1, or share data through an NFS volume",
      ),
    ),
  );
