import { networkLayer } from "../../lib/network/layer.ts";
import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { configSchemas } from "../layers.ts";
import { cloudflareRecords } from "./cloudflare.ts";

export default pulumiEntry(networkLayer, { schemas: configSchemas, external: cloudflareRecords });
