/** The end of a log file, for error messages that point at a server's or a build's log. */
import { existsSync, readFileSync } from "node:fs";

/** The last `count` lines of a log file, indented. */
export const logTail = (path: string, count = 20): string => {
  const text = existsSync(path) ? readFileSync(path, "utf8").trimEnd() : "";
  if (text === "") return "    (its log is empty)";
  const lines = text.split("\n");
  return lines
    .slice(-count)
    .map((line) => `    ${line}`)
    .join("\n");
};
