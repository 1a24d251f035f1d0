import { authLayer } from "../../lib/auth/layer.ts";
import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { configSchemas } from "../layers.ts";

export default pulumiEntry(authLayer, { schemas: configSchemas });
