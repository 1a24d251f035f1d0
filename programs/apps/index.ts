import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { appsProgram } from "./program.ts";

export default pulumiEntry(appsProgram);
