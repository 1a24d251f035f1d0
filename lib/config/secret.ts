/**
 * A secret config value. It prints as `[secret]` wherever it ends up by accident (logs, JSON,
 * template strings); only `reveal` gives the plaintext, and only the Pulumi edge calls it, to wrap
 * the value in `pulumi.secret`.
 */
export interface Secret {
  readonly kind: "secret";
  /** False when the plaintext is not available here (an encrypted value read offline). */
  readonly known: boolean;
  toString(): string;
  toJSON(): string;
}

const REDACTED = "[secret]";
const plaintexts = new WeakMap<Secret, string>();

export const secret = (plaintext: string, known = true): Secret => {
  const value: Secret = Object.freeze({
    kind: "secret" as const,
    known,
    toString: () => REDACTED,
    toJSON: () => REDACTED,
    [Symbol.for("nodejs.util.inspect.custom")]: () => REDACTED,
  });
  plaintexts.set(value, plaintext);
  return value;
};

export const reveal = (value: Secret): string => plaintexts.get(value) ?? "";

export const isSecret = (value: unknown): value is Secret =>
  typeof value === "object" && value !== null && plaintexts.has(value as Secret);

/**
 * A secret computed from another (e.g. a key derived from a key), without its plaintext leaving
 * this module but through `derive`; unknown when the source is.
 */
export const deriveSecret = (source: Secret, derive: (plaintext: string) => string): Secret =>
  source.known ? secret(derive(reveal(source))) : secret("", false);
