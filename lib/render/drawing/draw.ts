/**
 * The drawn plan `bun run render` writes beside the YAML: `cluster.svg`, laid out from the render
 * itself (model.ts -> graph.ts -> layout.ts -> svg.ts), and `cluster.html`, a page that embeds it
 * with the render summary and, when given, a change report of `bun run diff`.
 */
import type { Result } from "neverthrow";
import { err, ok } from "neverthrow";
import type { StackSchemas } from "../../config/registry.ts";
import type { RawConfig } from "../../config/schema.ts";
import type { Layer } from "../../core/layerNames.ts";
import type { Problem } from "../../core/problem.ts";
import { fileLeaks, type RenderedLayer } from "../render.ts";
import { sectionsOf } from "./graph.ts";
import { layoutSections } from "./layout.ts";
import { clusterModel } from "./model.ts";
import { drawingSvg, escapeXml } from "./svg.ts";

/** The file names in the output folder. */
export const DRAWING_FILES = { svg: "cluster.svg", html: "cluster.html" } as const;

export interface Drawing {
  svg: string;
  html: string;
}

/** The page: the drawing, the render summary, and the change report when one is given. */
export const drawingPage = (stack: string, svg: string, summary: string, report?: string): string =>
  [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Cluster ${escapeXml(stack)}</title>`,
    "<style>body{font-family:system-ui,sans-serif;margin:24px;color:#1c2833}" +
      "pre{background:#f4f6f7;padding:12px;overflow-x:auto;font-size:12px}" +
      "figure{margin:0;overflow-x:auto}</style>",
    "</head><body>",
    `<h1>Cluster ${escapeXml(stack)}</h1>`,
    "<p>Drawn by <code>bun run render</code> from the stack's own plans: what a deploy creates.</p>",
    ...(report === undefined
      ? []
      : ["<h2>Change report</h2>", `<pre id="change-report">${escapeXml(report)}</pre>`]),
    `<figure id="drawing">${svg}</figure>`,
    "<h2>Render summary</h2>",
    `<pre id="summary">${escapeXml(summary)}</pre>`,
    "</body></html>",
    "",
  ].join("\n");

/** The drawing of a rendered stack, and the page with the summary (and the change report, if any). */
export const drawCluster = async (
  stack: string,
  layers: readonly RenderedLayer[],
  summary: string,
  report?: string,
): Promise<Drawing> => {
  const placed = await layoutSections(sectionsOf(clusterModel(stack, layers)));
  const svg = drawingSvg(`Cluster ${stack}: drawn from its plans by bun run render`, placed);
  return { svg, html: drawingPage(stack, svg, summary, report) };
};

/**
 * The drawing's files by name, checked for the config's plaintext secrets like every file the
 * render writes: a leak is refused, naming the key and the file.
 */
export const drawingFiles = async (
  rendered: { stack: string; layers: readonly RenderedLayer[]; summary: string; report?: string },
  secrets: { schemas: StackSchemas; raw: Record<Layer, RawConfig> },
): Promise<Result<Record<string, string>, Problem[]>> => {
  const drawing = await drawCluster(rendered.stack, rendered.layers, rendered.summary, rendered.report);
  const files = { [DRAWING_FILES.svg]: drawing.svg, [DRAWING_FILES.html]: drawing.html };
  const leaks = fileLeaks(secrets.schemas, secrets.raw, files);
  return leaks.length > 0 ? err(leaks) : ok(files);
};
