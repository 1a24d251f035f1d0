/** `bun run docs`: rewrites the README's config reference from the config schemas. */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { withConfigReference } from "../lib/config/reference.ts";

const path = resolve(import.meta.dirname, "../README.md");
writeFileSync(path, withConfigReference(readFileSync(path, "utf8")));
console.log("README.md: config reference updated");
