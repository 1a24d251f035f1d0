/** The four layers, in deploy order. Each is one Pulumi project and reads only from earlier layers. */
export const LAYERS = ["network", "storage", "auth", "apps"] as const;
export type Layer = (typeof LAYERS)[number];

/** The Pulumi project name of a layer; config keys in stack files are prefixed with it. */
export const projectName = (layer: Layer): string => `homelab-${layer}`;

export const isLayer = (value: string): value is Layer => (LAYERS as readonly string[]).includes(value);
