/** Kubernetes resource quantities, for the checks that compare them (sizes, memory, CPU). */

const MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Bytes of a storage or memory quantity such as `10Gi` or `500M`; undefined when it is not one. */
export const bytes = (quantity: string): number | undefined => {
  const match = /^(\d+(?:\.\d+)?)([kMGTPE]i?)?$/.exec(quantity.trim());
  const multiplier = MULTIPLIERS[match?.[2] ?? ""];
  return match && multiplier !== undefined ? Number(match[1]) * multiplier : undefined;
};

/** Millicores of a CPU quantity such as `250m` or `1.5`; undefined when it is not one. */
export const millicores = (quantity: string): number | undefined => {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity.trim());
  if (!match) return undefined;
  return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
};
