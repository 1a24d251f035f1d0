import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { storageLayer } from "../../lib/storage/layer.ts";
import { programWiring } from "../layers.ts";

export default pulumiEntry(storageLayer, programWiring());
