import { authLayer } from "../../lib/auth/layer.ts";
import { pulumiEntry } from "../../lib/pulumi/entry.ts";

export default pulumiEntry(authLayer);
