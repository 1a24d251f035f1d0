import { pulumiEntry } from "../../lib/pulumi/entry.ts";
import { storageProgram } from "./program.ts";

export default pulumiEntry(storageProgram);
