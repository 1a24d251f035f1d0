import { authContract, networkContract, storageContract } from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

export const appsProgram = defineProgram({
  layer: "apps",
  reads: { network: networkContract, storage: storageContract, auth: authContract },
  run: () => ({}),
});
