import { storageLayer } from "../../lib/layers/storage/layer.ts";
import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { programWiring } from "../layers.ts";

export default pulumiEntry(storageLayer, programWiring());
