/**
 * Pure parsers for single config values. Each turns the raw string Pulumi hands us into a typed
 * value, or a problem that says what is wrong and how to fix it. No parser throws.
 */
import { err, ok, Result } from "neverthrow";
import type { Unplaced } from "../core/problem.ts";
import { ipv4ToNumber } from "./ip.ts";

/** A parser's problem has no place yet: the schema that calls it knows the key. */
export type Parser<T> = (raw: string) => Result<T, Unplaced>;

const problem = (what: string, fix: string): Result<never, Unplaced> => err({ what, fix });

// ---------------------------------------------------------------- names and addresses

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const fqdn: Parser<string> = (raw) => {
  const text = raw.trim().toLowerCase().replace(/\.$/, "");
  const labels = text.split(".");
  const fix = "use a domain you control in Cloudflare, e.g. example.com (no scheme, no path, no wildcard)";
  if (text.includes("://") || text.includes("/")) return problem("looks like a URL, not a domain name", fix);
  if (labels.length < 2 || text.length > 253 || !labels.every((label) => LABEL.test(label))) {
    return problem("is not a fully qualified domain name", fix);
  }
  if (/^\d+$/.test(labels.at(-1) ?? "")) return problem("is not a domain name (it ends in a number)", fix);
  return ok(text);
};

export const dnsLabel: Parser<string> = (raw) => {
  const text = raw.trim().toLowerCase();
  return LABEL.test(text)
    ? ok(text)
    : problem("is not a single DNS label", "use lowercase letters, digits and dashes, e.g. external");
};

/** A server the cluster can reach: a host name (short LAN names allowed) or an IPv4 address. */
export const hostname: Parser<string> = (raw) => {
  const text = raw.trim().toLowerCase();
  const fix = "use the NAS's host name or IP address, e.g. nas.lan or 192.168.4.10 (no scheme, no path)";
  if (ipv4ToNumber(text) !== undefined) return ok(text);
  if (/^\d+(\.\d+)*$/.test(text)) return problem("is not a valid IPv4 address", fix);
  const labels = text.split(".");
  return text.length <= 253 && labels.every((label) => LABEL.test(label))
    ? ok(text)
    : problem("is not a host name or IPv4 address", fix);
};

export const email: Parser<string> = (raw) => {
  const text = raw.trim();
  const at = text.lastIndexOf("@");
  const domainPart = text.slice(at + 1);
  return at > 0 && /^[^\s@]+$/.test(text.slice(0, at)) && fqdn(domainPart).isOk()
    ? ok(text)
    : problem("is not an email address", "use an address like you@example.com");
};

export const absolutePath: Parser<string> = (raw) => {
  const text = raw.trim();
  if (!text.startsWith("/")) {
    return problem(
      "is not an absolute path",
      `start it at the export root, e.g. /${text.replace(/^\.?\/*/, "")}`,
    );
  }
  if (text.split("/").includes("..")) return problem("contains `..`", "write the path without `..` segments");
  if (/[\s,;]/.test(text))
    return problem("contains spaces, commas or semicolons", "rename the export or share");
  // One spelling per folder: `//export//k8s/./` is /export/k8s, so no rendered path holds `//`.
  const normal = `/${text
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/")}`;
  return ok(normal);
};

// ---------------------------------------------------------------- time

/** Names the ICU database knew: asking it builds a formatter, and configs are parsed many times. */
const knownZones = new Set<string>();

export const ianaTimezone: Parser<string> = (raw) => {
  const text = raw.trim();
  try {
    // Throws a RangeError for names the ICU database does not know.
    if (!knownZones.has(text)) new Intl.DateTimeFormat("en", { timeZone: text });
    knownZones.add(text);
    return text.includes("/") || text === "UTC"
      ? ok(text)
      : problem(
          "is an abbreviation, not an IANA zone name",
          "use a name like Europe/Berlin or Australia/Sydney",
        );
  } catch {
    return problem(
      "is not an IANA time zone",
      "use a name like Europe/Berlin or Australia/Brisbane (see `timedatectl list-timezones`)",
    );
  }
};

/** Hours from UTC, as the seed used them: `10`, `-5`, `5.5`, `+9.5`. Real offsets are whole quarter hours. */
export const utcOffsetHours: Parser<number> = (raw) => {
  const text = raw.trim();
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) {
    return problem("is not a number of hours", "write the offset from UTC in hours, e.g. 10, -5 or 5.5");
  }
  if (value < -12 || value > 14)
    return problem("is outside -12..14 hours", "real UTC offsets lie between -12 and +14");
  if (!Number.isInteger(value * 4)) {
    return problem("is not a whole number of quarter hours", "use a real offset such as 5.5 or 5.75");
  }
  return ok(value);
};

// ---------------------------------------------------------------- scalars and lists

export const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw.trim());
    return Number.isInteger(value) && value >= min && value <= max && raw.trim() !== ""
      ? ok(value)
      : problem(`is not a whole number from ${min} to ${max}`, `pick a number from ${min} to ${max}`);
  };

/** `true` or `false`, as `pulumi config set` stores a YAML boolean (and Pulumi's getBoolean reads it). */
export const boolean: Parser<boolean> = (raw) => {
  const text = raw.trim();
  return text === "true" || text === "false"
    ? ok(text === "true")
    : problem("is not true or false", "write true or false (no quotes needed)");
};

export const oneOf =
  <const T extends string>(choices: readonly T[]): Parser<T> =>
  (raw) => {
    const text = raw.trim();
    return (choices as readonly string[]).includes(text)
      ? ok(text as T)
      : problem(`is not one of ${choices.join(", ")}`, `use one of: ${choices.join(", ")}`);
  };

export const text =
  (minLength = 1): Parser<string> =>
  (raw) =>
    raw.trim() === ""
      ? problem("is blank (only spaces)", "set a real value, or delete the key to leave it unset")
      : raw.length >= minLength
        ? ok(raw)
        : problem(
            minLength <= 1 ? "is empty" : `is shorter than ${minLength} characters`,
            minLength <= 1
              ? "set a value"
              : `use at least ${minLength} characters, e.g. from \`openssl rand -base64 32\``,
          );

/**
 * A list, written as a YAML sequence in the stack file (Pulumi hands it over as JSON) or as a
 * comma- or semicolon-separated string. Every element must pass `element`.
 */
export const list =
  <T>(element: Parser<T>): Parser<T[]> =>
  (raw) => {
    const trimmed = raw.trim();
    let items: unknown[];
    if (trimmed.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (!Array.isArray(parsed)) throw new Error("not a list");
        items = parsed;
      } catch {
        return problem("is not a valid list", "write a YAML list or a comma-separated string");
      }
    } else {
      items = trimmed === "" ? [] : trimmed.split(/[,;]/).map((item) => item.trim());
    }
    // The first bad item is enough: its fix is the same for the others.
    return Result.combine(
      items.map((item, index) =>
        element(String(item)).mapErr(({ what, fix }) => ({
          what: `item ${index + 1} (${String(item)}) ${what}`,
          fix,
        })),
      ),
    );
  };

/** A list parser that also refuses an empty list. */
export const nonEmpty =
  <T>(parser: Parser<T[]>): Parser<T[]> =>
  (raw) =>
    parser(raw).andThen((values) =>
      values.length > 0 ? ok(values) : problem("is empty", "list at least one item, e.g. 1.1.1.1,1.0.0.1"),
    );
