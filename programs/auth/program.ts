import {
  type authContract,
  type ContractExports,
  networkContract,
  storageContract,
} from "../../lib/contracts.ts";
import { defineProgram } from "../../lib/pulumi/program.ts";

export const authProgram = defineProgram({
  layer: "auth",
  reads: { network: networkContract, storage: storageContract },
  run: ({ upstream }): ContractExports<typeof authContract> => ({
    publicAuthMiddleware: "tinyauth-forward-auth@kubernetescrd",
    privateAuthMiddleware: "tinyauth-forward-auth@kubernetescrd",
    pocketIdIssuerUrl: `https://pocketid.${upstream.network.domain}`,
    tinyauthUrl: `https://auth.${upstream.network.domain}`,
  }),
});
