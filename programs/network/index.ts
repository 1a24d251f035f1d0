import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { networkProgram } from "./program.ts";

export default pulumiEntry(networkProgram);
