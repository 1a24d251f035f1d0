/**
 * Places each section's boxes with dagre (@dagrejs/dagre, a layered graph layout): left to right,
 * in rank order, with edge routes. Text is measured as monospace (the SVG draws it so), long lines
 * wrapped. dagre is loaded here, on the first layout, so nothing but a written drawing pays for it.
 * Deterministic: dagre has no randomness, and every coordinate is rounded.
 */
import type { EdgeLabel, GraphLabel, NodeLabel } from "@dagrejs/dagre";
import type { Box, Section } from "./graph.ts";

/** Monospace text metrics of the SVG (svg.ts): character width and line height, in px. */
export const TEXT = { char: 7.2, line: 16, titleChar: 7.8, padX: 10, padY: 8, wrap: 58 } as const;

interface Point {
  x: number;
  y: number;
}

export interface PlacedBox extends Box {
  /** Top-left corner and size. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The lines after wrapping. */
  wrapped: string[];
}

export interface PlacedLink {
  points: Point[];
  label?: string;
  labelAt?: Point;
  dashed: boolean;
}

export interface PlacedSection {
  title: string;
  width: number;
  height: number;
  boxes: PlacedBox[];
  links: PlacedLink[];
  groups: { title: string; x: number; y: number; width: number; height: number }[];
}

/** A line cut at spaces into pieces of at most `width` characters (a longer word stays whole). */
export const wrapLine = (line: string, width: number = TEXT.wrap): string[] => {
  const pieces: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      pieces.push(current);
      current = `  ${word}`;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  return [...pieces, current];
};

const sizeOf = (box: Box) => {
  const wrapped = box.lines.flatMap((line) => wrapLine(line));
  const widest = Math.max(
    box.title.length * TEXT.titleChar,
    ...wrapped.map((line) => line.length * TEXT.char),
  );
  return {
    wrapped,
    width: Math.ceil(widest + 2 * TEXT.padX),
    height: (1 + wrapped.length) * TEXT.line + 2 * TEXT.padY,
  };
};

const round = (value: number): number => Math.round(value * 10) / 10;

type Dagre = typeof import("@dagrejs/dagre");

const layoutSection = (dagre: Dagre, section: Section): PlacedSection => {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({
    compound: true,
    multigraph: true,
  });
  // tight-tree: the 50-app stack lays out in about half the time of dagre's default ranker
  // (network-simplex), measured; the ranks of these graphs are the same either way.
  graph.setGraph({
    ranker: "tight-tree",
    rankdir: "LR",
    nodesep: 14,
    ranksep: 56,
    edgesep: 8,
    marginx: 16,
    marginy: 16,
  });
  const sizes = new Map(section.boxes.map((box) => [box.id, sizeOf(box)]));
  for (const group of section.groups) graph.setNode(group.id, { width: 0, height: 0 });
  for (const box of section.boxes) {
    const { width, height } = sizes.get(box.id) ?? { width: 0, height: 0 };
    graph.setNode(box.id, { width, height });
    if (box.group !== undefined) graph.setParent(box.id, box.group);
  }
  section.links.forEach((link, index) => {
    const label = link.label === undefined ? {} : { width: link.label.length * TEXT.char, height: TEXT.line };
    graph.setEdge(link.from, link.to, { ...label, labelpos: "c", minlen: link.span ?? 1 }, String(index));
  });
  dagre.layout(graph);
  const boxes = section.boxes.map((box): PlacedBox => {
    const node = graph.node(box.id);
    const size = sizes.get(box.id) ?? { wrapped: [], width: 0, height: 0 };
    const [x, y] = [(node.x ?? 0) - size.width / 2, (node.y ?? 0) - size.height / 2];
    return {
      ...box,
      x: round(x),
      y: round(y),
      width: size.width,
      height: size.height,
      wrapped: size.wrapped,
    };
  });
  const links = section.links.map((link, index): PlacedLink => {
    const edge = graph.edge({ v: link.from, w: link.to, name: String(index) });
    const points = (edge.points ?? []).map((point) => ({ x: round(point.x), y: round(point.y) }));
    const labelAt = edge.x === undefined ? {} : { labelAt: { x: round(edge.x), y: round(edge.y ?? 0) } };
    return {
      points,
      dashed: link.dashed === true,
      ...(link.label === undefined ? {} : { label: link.label }),
      ...labelAt,
    };
  });
  const groups = section.groups.map((group) => {
    const node = graph.node(group.id);
    const [width, height] = [node.width, node.height];
    return {
      title: group.title,
      x: round((node.x ?? 0) - width / 2),
      y: round((node.y ?? 0) - height / 2),
      width: round(width),
      height: round(height),
    };
  });
  const label = graph.graph();
  return {
    title: section.title,
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    boxes,
    links,
    groups,
  };
};

/** Every section laid out (loads dagre on the first call). */
export const layoutSections = async (sections: readonly Section[]): Promise<PlacedSection[]> => {
  const dagre = await import("@dagrejs/dagre");
  return sections.map((section) => layoutSection(dagre, section));
};
