import { networkLayer } from "../../lib/layers/network/layer.ts";
import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { programWiring } from "../layers.ts";
import { cloudflareRecords } from "./cloudflare.ts";

export default pulumiEntry(networkLayer, programWiring(cloudflareRecords));
