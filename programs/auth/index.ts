import { authLayer } from "../../lib/layers/auth/layer.ts";
import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { programWiring } from "../layers.ts";

export default pulumiEntry(authLayer, programWiring());
