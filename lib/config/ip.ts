/**
 * IPv4 config values: single addresses, ranges, and which of them can work on a home LAN.
 * Address classes (private, loopback, link-local, multicast, reserved, ...) come from ipaddr.js;
 * ranges are plain numbers so containment and order are comparisons.
 *
 * What "network and broadcast address" means here: we do not know the LAN's netmask, and almost
 * every home LAN is a /24, so an address ending in .0 or .255 is refused as a fixed IP or inside
 * the pool. (On a larger LAN they are valid hosts, but MetalLB calls them "buggy IPs": some
 * clients and routers mishandle them. Refusing them costs nothing.)
 */
import ipaddr from "ipaddr.js";
import { err, ok, type Result } from "neverthrow";
import type { Unplaced } from "../core/problem.ts";
import type { Parser } from "./values.ts";

const problem = (what: string, fix: string): Result<never, Unplaced> => err({ what, fix });

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

const ipv4: Parser<string> = (raw) => {
  const text = raw.trim();
  return ipv4ToNumber(text) === undefined
    ? problem("is not an IPv4 address", "use four numbers 0-255 separated by dots, e.g. 192.168.4.70")
    : ok(text);
};

/** ipaddr.js's class of an address: `private`, `unicast` (public), `loopback`, `linkLocal`, ... */
const addressClass = (ip: string): string => ipaddr.IPv4.parse(ip).range();

/** The private block (RFC 1918) an address is in, e.g. `192.168.0.0/16`; undefined outside them. */
export const privateBlock = (ip: string): string | undefined => {
  const address = ipaddr.IPv4.parse(ip);
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].find((cidr) =>
    address.match(ipaddr.IPv4.parseCIDR(cidr)),
  );
};

/** Documentation addresses (RFC 5737): never a real router's, so examples may use them as public IPs. */
const DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
const isDocumentation = (ip: string): boolean =>
  DOCUMENTATION.some((cidr) => ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr)));

/** Whether `text` is an IPv4 address in a documentation range: a placeholder, never a real host's. */
export const isDocumentationAddress = (text: string): boolean =>
  ipv4ToNumber(text) !== undefined && isDocumentation(text);

const CLASS_WORDS: Readonly<Record<string, string>> = {
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address (RFC 6598)",
  private: "a private LAN address",
  reserved: "a reserved address",
  unicast: "a public address",
};
const classWords = (ip: string): string => CLASS_WORDS[addressClass(ip)] ?? "a special-purpose address";

/** Whether the last octet is 0 or 255: the network or broadcast address of the /24 it lies in. */
const isEdgeOfSlash24 = (n: Ipv4): boolean => n % 256 === 0 || n % 256 === 255;

/** A fixed LAN address MetalLB can announce: private (RFC 1918) unicast, not a /24's network or broadcast address. */
export const lanIpv4: Parser<string> = (raw) =>
  ipv4(raw).andThen((ip) => {
    if (addressClass(ip) !== "private")
      return problem(
        `is ${classWords(ip)}, not a private LAN address`,
        "use a free address of your LAN (10.x, 172.16-31.x or 192.168.x), outside the router's DHCP range",
      );
    return isEdgeOfSlash24(ipv4ToNumber(ip) ?? 0)
      ? problem(
          "ends in .0 or .255, the network or broadcast address of a /24 LAN",
          "pick an address ending in .1 to .254",
        )
      : ok(ip);
  });

/** The router's public address: must be routable, or DNS would publish a LAN address to the internet. */
export const publicIpv4: Parser<string> = (raw) =>
  ipv4(raw).andThen((ip) => {
    if (addressClass(ip) === "unicast" || isDocumentation(ip)) return ok(ip);
    const fix =
      addressClass(ip) === "carrierGradeNat"
        ? "your ISP shares one public IP between customers (CGNAT), so port forwarding cannot reach you: ask the ISP for a public IP"
        : "use the public IP your router gets from your ISP (e.g. from `curl ifconfig.me`)";
    return problem(`is ${classWords(ip)}, not reachable from the internet`, fix);
  });

/** A DNS server Pi-hole can forward to: any unicast address (public, or a LAN resolver). */
export const resolverIpv4: Parser<string> = (raw) =>
  ipv4(raw).andThen((ip) =>
    ["unicast", "private", "carrierGradeNat"].includes(addressClass(ip))
      ? ok(ip)
      : problem(
          `is ${classWords(ip)}, which cannot answer DNS queries for Pi-hole`,
          "use a public resolver such as 1.1.1.1 or 9.9.9.9, or a DNS server on your LAN",
        ),
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

/**
 * MetalLB's pool: one range of private addresses of one LAN, holding no address that ends in .0
 * or .255 (so it cannot span two /24s, and never hands out a network or broadcast address).
 */
export const lanRange: Parser<Ipv4Range> = (raw) =>
  ipv4Range(raw).andThen((range) => {
    const [first, last] = [numberToIpv4(range.first), numberToIpv4(range.last)];
    const fix =
      "use a free range of your LAN outside the router's DHCP range, e.g. 192.168.4.80-192.168.4.100";
    if (addressClass(first) !== "private" || addressClass(last) !== "private")
      return problem(
        `is not inside a private LAN block (it starts at ${classWords(first)} and ends at ${classWords(last)})`,
        fix,
      );
    if (privateBlock(first) !== privateBlock(last))
      return problem("spans more than one private network", fix);
    const base = range.first - (range.first % 256);
    const spans = range.last - base > 255;
    if (!spans && !isEdgeOfSlash24(range.first) && !isEdgeOfSlash24(range.last)) return ok(range);
    return problem(
      "holds an address ending in .0 or .255 (a /24 LAN's network or broadcast address)",
      `keep the pool inside ${numberToIpv4(base + 1)}-${numberToIpv4(base + 254)}`,
    );
  });

/** The /24 an address lies in, e.g. `192.168.4.0/24`: the LAN the README assumes. */
export const slash24 = (n: Ipv4): string => `${numberToIpv4(n - (n % 256))}/24`;

export const rangeContains = (range: Ipv4Range, ip: string): boolean => {
  const n = ipv4ToNumber(ip);
  return n !== undefined && n >= range.first && n <= range.last;
};
