/**
 * Pure parsers for single config values. Each turns the raw string Pulumi hands us into a typed
 * value, or a problem that says what is wrong and how to fix it. No parser throws.
 */
import { err, ok, type Result } from "neverthrow";

export interface Problem {
  message: string;
  fix: string;
}

export type Parser<T> = (raw: string) => Result<T, Problem>;

const problem = (message: string, fix: string): Result<never, Problem> => err({ message, fix });

// ---------------------------------------------------------------- IPv4

/** An IPv4 address as an unsigned 32-bit number, so ranges and order are plain comparisons. */
export type Ipv4 = number;

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export const ipv4ToNumber = (text: string): Ipv4 | undefined => {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) return undefined;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
};

export const numberToIpv4 = (n: Ipv4): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

export const ipv4: Parser<string> = (raw) => {
  const text = raw.trim();
  return ipv4ToNumber(text) === undefined
    ? problem("is not an IPv4 address", "use four numbers 0-255 separated by dots, e.g. 192.168.4.70")
    : ok(text);
};

const PRIVATE_RANGES: ReadonlyArray<readonly [string, number]> = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
];

export const isPrivateIpv4 = (text: string): boolean => {
  const n = ipv4ToNumber(text);
  if (n === undefined) return false;
  return PRIVATE_RANGES.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = ipv4ToNumber(base) ?? 0;
    return n >= start && n < start + size;
  });
};

/** The router's public address: must be routable, or DNS would publish a LAN address to the internet. */
export const publicIpv4: Parser<string> = (raw) =>
  ipv4(raw).andThen((ip) =>
    isPrivateIpv4(ip)
      ? problem(
          "is a private or reserved address, not reachable from the internet",
          "use the public IP your router gets from your ISP (e.g. from `curl ifconfig.me`)",
        )
      : ok(ip),
  );

export interface Ipv4Range {
  /** The text as written, e.g. `192.168.4.80-192.168.4.100` or `192.168.4.96/28`. */
  text: string;
  first: Ipv4;
  last: Ipv4;
}

export const ipv4Range: Parser<Ipv4Range> = (raw) => {
  const text = raw.trim();
  const hint = "write `FIRST-LAST` (e.g. 192.168.4.80-192.168.4.100) or a CIDR block (e.g. 192.168.4.96/28)";
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (cidr) {
    const base = ipv4ToNumber(cidr[1] ?? "");
    const bits = Number(cidr[2]);
    if (base === undefined || bits > 32) return problem("is not a valid CIDR block", hint);
    const size = 2 ** (32 - bits);
    if (base % size !== 0) {
      const network = numberToIpv4(base - (base % size));
      return problem(`has host bits set (the block starts at ${network})`, `write ${network}/${bits}`);
    }
    return ok({ text, first: base, last: base + size - 1 });
  }
  const [from, to, ...rest] = text.split("-").map((part) => part.trim());
  const first = ipv4ToNumber(from ?? "");
  const last = ipv4ToNumber(to ?? "");
  if (rest.length > 0 || first === undefined || last === undefined)
    return problem("is not an IPv4 range", hint);
  if (first > last) {
    return problem("starts after it ends", `swap the ends: ${numberToIpv4(last)}-${numberToIpv4(first)}`);
  }
  return ok({ text: `${numberToIpv4(first)}-${numberToIpv4(last)}`, first, last });
};

export const rangeContains = (range: Ipv4Range, ip: string): boolean => {
  const n = ipv4ToNumber(ip);
  return n !== undefined && n >= range.first && n <= range.last;
};

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
  return ok(text.length > 1 ? text.replace(/\/+$/, "") : text);
};

// ---------------------------------------------------------------- time

export const ianaTimezone: Parser<string> = (raw) => {
  const text = raw.trim();
  try {
    // Throws a RangeError for names the ICU database does not know.
    new Intl.DateTimeFormat("en", { timeZone: text });
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
    raw.length >= minLength
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
    const values: T[] = [];
    for (const [index, item] of items.entries()) {
      const parsed = element(String(item));
      if (parsed.isErr())
        return problem(`item ${index + 1} (${String(item)}) ${parsed.error.message}`, parsed.error.fix);
      values.push(parsed.value);
    }
    return ok(values);
  };
