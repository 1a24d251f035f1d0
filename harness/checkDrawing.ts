/**
 * `bun run check:drawing [--stack <name>] [--html <file>] [--screenshot <file>]`: the drawn plan in a
 * real browser. Renders the stack into a temporary folder (or takes a page `bun run render` wrote),
 * opens cluster.html in headless Chromium (Debian's `chromium`; `CHROMIUM` names another binary),
 * and checks that it loads without a console warning, error or failed load, that the drawing is
 * laid out on the page, and that every host of the render summary is drawn. Saves a full-page
 * screenshot (default out/cluster.png). Exit 0 when all hold, 1 when one does not, 2 on a
 * command-line mistake.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type CliIo,
  isMain,
  processIo,
  readCommandLine,
  type StackCommandSpec,
  stackOption,
  stackOptionSpec,
  USAGE_EXIT,
  usageText,
} from "../cli/args.ts";
import { userFolder } from "../cli/folders.ts";
import { main as render } from "../cli/render.ts";
import { DRAWING_FILES } from "../lib/render/drawing/draw.ts";

const ROOT = resolve(import.meta.dirname, "..");

export const CHECK_DRAWING: StackCommandSpec = {
  usage: "bun run check:drawing [--stack <name>] [--html <file>] [--screenshot <file>]",
  options: {
    stack: stackOptionSpec("offline", "render and check"),
    html: {
      type: "string",
      doc: "check this page (a cluster.html `bun run render` wrote) instead of rendering",
    },
    screenshot: {
      type: "string",
      doc: "where to save the screenshot (default: the repository's out/cluster.png)",
    },
  },
  stack: "offline",
};

/** What the page is asked, in order: the summary's text, and each drawn text with its rendered width. */
const PAGE_QUERIES = [
  `document.getElementById("summary")?.textContent ?? ""`,
  `[...document.querySelectorAll("#drawing svg text")].map((t) => [t.textContent, t.getBBox().width])`,
];

/** The hosts of the summary's `Hostnames:` table (first column, after its header row). */
export const summaryHosts = (summary: string): string[] => {
  const table = summary.split("\nHostnames:\n")[1] ?? "";
  const rows = table.split("\n").slice(1);
  const hosts = rows.map((row) => row.trim().split(/\s+/)[0] ?? "").filter((host) => host.includes("."));
  return [...new Set(hosts)];
};

/** Everything wrong with a visit: what the browser reported, no hosts, and hosts not drawn (or drawn with no width). */
export const drawingVerdict = (
  problems: readonly string[],
  summary: string,
  texts: [string, number][],
): string[] => {
  const hosts = summaryHosts(summary);
  const drawn = new Set(texts.filter(([, width]) => width > 0).map(([text]) => text));
  return [
    ...problems,
    ...(hosts.length === 0 ? ["the page's summary lists no hosts"] : []),
    ...hosts.filter((host) => !drawn.has(host)).map((host) => `${host} is not drawn on the page`),
  ];
};

/** Renders the stack into a temporary folder; the page's path, or undefined when the render failed. */
const renderPage = async (folder: string, stack: string, io: CliIo): Promise<string | undefined> => {
  const quiet: CliIo = { ...io, out: () => {} };
  const code = await render(["--stack", stack, "--out", folder], quiet, ROOT);
  return code === 0 ? join(folder, DRAWING_FILES.html) : undefined;
};

export const main = async (argv: readonly string[], io: CliIo = processIo): Promise<number> => {
  const parsed = readCommandLine(CHECK_DRAWING, argv, io);
  if (parsed.isErr()) return parsed.error;
  const { html, screenshot } = parsed.value.values;
  const stack = stackOption(CHECK_DRAWING, parsed.value.values, io.env);
  if (stack.isErr()) {
    io.err(stack.error);
    return USAGE_EXIT;
  }
  const given = typeof html === "string" ? resolve(userFolder(io.env), html) : undefined;
  if (given !== undefined && !existsSync(given)) {
    io.err(usageText(CHECK_DRAWING, `--html ${html} does not exist`));
    return USAGE_EXIT;
  }
  const shot =
    typeof screenshot === "string"
      ? resolve(userFolder(io.env), screenshot)
      : join(ROOT, "out", "cluster.png");
  const scratch = mkdtempSync(join(tmpdir(), "homelab-check-drawing-"));
  try {
    const page = given ?? (await renderPage(scratch, stack.value, io));
    if (page === undefined) return 1;
    // The DevTools client is loaded only for a visit (the command-line tests import this module).
    const { chromiumPath, visitPage } = await import("./drawing/chromium.ts");
    const binary = chromiumPath(io.env);
    if (!existsSync(binary)) {
      io.err(`${binary} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM`);
      return 1;
    }
    const visit = await visitPage(binary, pathToFileURL(page).href, PAGE_QUERIES);
    const [summary, texts] = visit.values as [string, [string, number][]];
    mkdirSync(dirname(shot), { recursive: true });
    writeFileSync(shot, visit.screenshot);
    const wrong = drawingVerdict(visit.problems, summary, texts ?? []);
    if (wrong.length > 0) {
      io.err(
        `The drawn plan fails in Chromium (screenshot: ${shot}):\n${wrong.map((w) => `  ${w}`).join("\n")}`,
      );
      return 1;
    }
    io.out(
      `The drawn plan loads in Chromium without console errors and shows all ${summaryHosts(summary).length} hosts; screenshot: ${shot}`,
    );
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
};

if (isMain(import.meta)) process.exit(await main(process.argv.slice(2)));
