import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { authProgram } from "./program.ts";

export default pulumiEntry(authProgram);
