import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { loadAppsLayer } from "../layers.ts";

export default pulumiEntry(loadAppsLayer());
