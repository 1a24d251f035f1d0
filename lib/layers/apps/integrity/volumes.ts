/** Static NFS volumes: a PV and its claim name each other, share a class, and keep the data (Retain). */
import type { Problem } from "../../../core/problem.ts";
import { broken, type ClaimView, claimView, type Inventory, type VolumeView } from "./inventory.ts";

export const volumeRule = (pv: VolumeView, inventory: Inventory): Problem[] => {
  const ref = pv.claimRef;
  if (!ref?.name || !ref.namespace) return [broken(pv.id, "has no claimRef, so any claim could bind it")];
  const [object] = inventory.find("PersistentVolumeClaim", ref.namespace, ref.name);
  if (!object)
    return [broken(pv.id, `is reserved for claim ${ref.namespace}/${ref.name}, which does not exist`)];
  const claim = claimView(object);
  return [
    ...(claim.volumeName === pv.name
      ? []
      : [broken(pv.id, `claim ${ref.namespace}/${ref.name} does not name it in volumeName`)]),
    ...(claim.storageClassName === pv.storageClassName
      ? []
      : [broken(pv.id, `its storageClassName differs from claim ${ref.name}'s, so they would never bind`)]),
    ...(pv.reclaimPolicy === "Retain" ? [] : [broken(pv.id, "reclaim policy is not Retain")]),
  ];
};

export const claimRule = (claim: ClaimView, inventory: Inventory): Problem[] =>
  claim.volumeName === undefined || inventory.find("PersistentVolume", "", claim.volumeName).length === 1
    ? []
    : [broken(claim.id, `names volume ${claim.volumeName}, which does not exist`)];
