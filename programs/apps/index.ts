import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { configSchemas, loadAppsLayer } from "../layers.ts";

export default pulumiEntry(loadAppsLayer(), { schemas: configSchemas });
