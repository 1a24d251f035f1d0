import type { ContractExports, storageContract } from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

export const storageProgram = defineProgram({
  layer: "storage",
  reads: {},
  run: ({ config }): ContractExports<typeof storageContract> => ({
    nfsStorageClass: "nfs",
    longhornStorageClass: "longhorn",
    backupJobGroup: "backup",
    trimJobGroup: "trim",
    nfsServer: config.nfsHostname,
    backupTarget: `nfs://${config.nfsHostname}:${config.longhornNfsBackupPath}`,
    longhornNamespace: "longhorn-system",
    longhornUiService: "longhorn-frontend",
  }),
});
