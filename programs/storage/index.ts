import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { storageLayer } from "../../lib/storage/layer.ts";

export default pulumiEntry(storageLayer);
