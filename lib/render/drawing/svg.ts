/**
 * The laid-out sections as one SVG, stacked top to bottom, each under its title. Text is monospace
 * (the layout measures it so) and escaped; the same sections always give the same bytes.
 */
import type { Tone } from "./graph.ts";
import { type PlacedBox, type PlacedLink, type PlacedSection, TEXT } from "./layout.ts";

const TONES: Readonly<Record<Tone, { fill: string; stroke: string }>> = {
  internet: { fill: "#fdecea", stroke: "#c0392b" },
  lan: { fill: "#eef4fb", stroke: "#2e6da4" },
  dns: { fill: "#fff4e0", stroke: "#d68910" },
  ingress: { fill: "#e8f6ef", stroke: "#1e8449" },
  host: { fill: "#ffffff", stroke: "#34495e" },
  layer: { fill: "#f4ecf7", stroke: "#7d3c98" },
  volume: { fill: "#ffffff", stroke: "#7b7d7d" },
  job: { fill: "#eaf2f8", stroke: "#2874a6" },
  nas: { fill: "#fef9e7", stroke: "#9a7d0a" },
};

const FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace";
const SECTION_TITLE = 34;

export const escapeXml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

const boxSvg = (box: PlacedBox): string => {
  const tone = TONES[box.tone];
  const left = box.x + TEXT.padX;
  const line = (text: string, index: number) =>
    `<text x="${left}" y="${box.y + TEXT.padY + TEXT.line * (index + 2) - 4}">${escapeXml(text)}</text>`;
  return [
    `<g class="box ${box.tone}" data-id="${escapeXml(box.id)}">`,
    `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="6" fill="${tone.fill}" stroke="${tone.stroke}"/>`,
    `<text class="title" x="${left}" y="${box.y + TEXT.padY + TEXT.line - 4}">${escapeXml(box.title)}</text>`,
    ...box.wrapped.map(line),
    "</g>",
  ].join("");
};

const linkSvg = (link: PlacedLink): string => {
  const path = link.points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x} ${point.y}`).join(" ");
  const dash = link.dashed ? ' stroke-dasharray="5 4"' : "";
  const label =
    link.label === undefined || link.labelAt === undefined
      ? ""
      : `<text class="label" x="${link.labelAt.x}" y="${link.labelAt.y + 4}" text-anchor="middle">${escapeXml(link.label)}</text>`;
  return `<path d="${path}" fill="none" stroke="#566573"${dash} marker-end="url(#arrow)"/>${label}`;
};

const sectionSvg = (section: PlacedSection, top: number): string =>
  [
    `<g class="section" transform="translate(0 ${top})">`,
    `<text class="section-title" x="16" y="22">${escapeXml(section.title)}</text>`,
    `<g transform="translate(0 ${SECTION_TITLE})">`,
    ...section.groups.map(
      (group) =>
        `<rect class="group" x="${group.x - 8}" y="${group.y - 24}" width="${group.width + 16}" height="${group.height + 32}" rx="10"/>` +
        `<text class="group-title" x="${group.x}" y="${group.y - 8}">${escapeXml(group.title)}</text>`,
    ),
    ...section.links.map(linkSvg),
    ...section.boxes.map(boxSvg),
    "</g></g>",
  ].join("\n");

/** One SVG of every section, with its title on top. */
export const drawingSvg = (title: string, sections: readonly PlacedSection[]): string => {
  const width = Math.max(640, ...sections.map((section) => section.width));
  const tops: number[] = [];
  let height = 44;
  for (const section of sections) {
    tops.push(height);
    height += SECTION_TITLE + section.height + 24;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12" role="img" aria-labelledby="drawing-title">`,
    `<title id="drawing-title">${escapeXml(title)}</title>`,
    "<style>.title{font-weight:bold;font-size:13px}.section-title{font-weight:bold;font-size:16px}" +
      ".label{font-size:11px;fill:#566573;paint-order:stroke;stroke:#fff;stroke-width:3px}" +
      ".group{fill:#f8fbfe;stroke:#2e6da4;stroke-dasharray:6 4}.group-title{font-weight:bold;fill:#2e6da4}</style>",
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#566573"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text class="section-title" x="16" y="28">${escapeXml(title)}</text>`,
    ...sections.map((section, index) => sectionSvg(section, tops[index] ?? 0)),
    "</svg>",
    "",
  ].join("\n");
};
