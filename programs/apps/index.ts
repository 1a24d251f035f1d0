import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { loadAppsLayer, programWiring } from "../layers.ts";

export default pulumiEntry(loadAppsLayer(), programWiring());
