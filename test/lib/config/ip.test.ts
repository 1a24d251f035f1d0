/**
 * The edges of every range the config checks: both ends of the pool (dash and CIDR), one past each
 * end, pools ending on .0/.255, the private blocks' first and last addresses, and secrets of exactly
 * their minimum length. A check written `<` for `<=` (or the other way round) fails here.
 */
import { describe, expect, test } from "bun:test";
import {
  ipv4Range,
  ipv4ToNumber,
  lanIpv4,
  lanRange,
  numberToIpv4,
  rangeContains,
  slash24,
} from "../../../lib/config/ip.ts";
import type { Layer } from "../../../lib/core/layerNames.ts";
import { parseConfig } from "../../../programs/layers.ts";
import { exampleRaw } from "../../support/config.ts";

const range = (text: string) => ipv4Range(text)._unsafeUnwrap();

describe("the pool contains exactly its addresses, both ends included", () => {
  const cases: [pool: string, inside: string[], outside: string[]][] = [
    [
      "192.168.4.80-192.168.4.100",
      ["192.168.4.80", "192.168.4.81", "192.168.4.99", "192.168.4.100"],
      ["192.168.4.79", "192.168.4.101"],
    ],
    ["192.168.4.96/28", ["192.168.4.96", "192.168.4.111"], ["192.168.4.95", "192.168.4.112"]],
    ["10.0.0.7-10.0.0.7", ["10.0.0.7"], ["10.0.0.6", "10.0.0.8"]],
    ["0.0.0.0/0", ["0.0.0.0", "255.255.255.255"], ["not an ip"]],
  ];
  for (const [pool, inside, outside] of cases) {
    test(pool, () => {
      for (const ip of inside) expect([ip, rangeContains(range(pool), ip)]).toEqual([ip, true]);
      for (const ip of outside) expect([ip, rangeContains(range(pool), ip)]).toEqual([ip, false]);
    });
  }

  test("a fixed IP on either end of the pool is refused, one past either end is not", () => {
    const problems = (ip: string) =>
      parseConfig("network", exampleRaw("network", { dns_server_ip: ip })).match(
        () => [],
        (found) => found.map((p) => `${p.where.key}: ${p.what}`),
      );
    for (const ip of ["192.168.4.80", "192.168.4.100"])
      expect(problems(ip)).toEqual([
        "dns_server_ip: lies inside ip_address_pool (192.168.4.80-192.168.4.100), so MetalLB could hand it to another service",
      ]);
    for (const ip of ["192.168.4.79", "192.168.4.101"]) expect(problems(ip)).toEqual([]);
  });
});

describe("pools and fixed IPs ending on .0 or .255 are refused; .1 and .254 are fine", () => {
  const refusedPools = [
    "192.168.4.200-192.168.4.255",
    "192.168.4.0-192.168.4.10",
    "192.168.4.0/24",
    "192.168.4.240/28",
    "192.168.4.0/28",
    "192.168.4.255-192.168.5.1",
    "10.0.0.0/8",
  ];
  const acceptedPools = [
    "192.168.4.1-192.168.4.254",
    "192.168.4.241-192.168.4.254",
    "192.168.4.16/28",
    "10.255.255.254-10.255.255.254",
  ];
  test.each(refusedPools)("pool %s is refused", (pool) => {
    expect(lanRange(pool).isErr()).toBe(true);
  });
  test.each(acceptedPools)("pool %s is accepted", (pool) => {
    expect(lanRange(pool).isOk()).toBe(true);
  });
  test.each(["192.168.4.0", "192.168.4.255", "10.0.0.0", "172.16.0.255"])("fixed IP %s is refused", (ip) => {
    expect(lanIpv4(ip)._unsafeUnwrapErr().what).toContain(".0 or .255");
  });
  test.each(["192.168.4.1", "192.168.4.254"])("fixed IP %s is accepted", (ip) => {
    expect(lanIpv4(ip).isOk()).toBe(true);
  });
});

describe("the private blocks, first and last addresses", () => {
  test.each(["10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.254", "192.168.0.1", "192.168.255.254"])(
    "%s is a LAN address",
    (ip) => {
      expect(lanIpv4(ip).isOk()).toBe(true);
    },
  );
  test.each(["9.255.255.254", "11.0.0.1", "172.15.255.254", "172.32.0.1", "192.167.255.254", "192.169.0.1"])(
    "%s is not",
    (ip) => {
      expect(lanIpv4(ip)._unsafeUnwrapErr().what).toContain("not a private LAN address");
    },
  );
});

describe("addresses as numbers, at the ends of the space", () => {
  test("0.0.0.0 and 255.255.255.255 round-trip; 256 is no octet", () => {
    expect(ipv4ToNumber("0.0.0.0")).toBe(0);
    expect(ipv4ToNumber("255.255.255.255")).toBe(2 ** 32 - 1);
    expect(numberToIpv4(2 ** 32 - 1)).toBe("255.255.255.255");
    expect(ipv4ToNumber("255.255.255.256")).toBeUndefined();
    expect(slash24(ipv4ToNumber("192.168.4.255") ?? 0)).toBe("192.168.4.0/24");
    expect(slash24(ipv4ToNumber("192.168.5.0") ?? 0)).toBe("192.168.5.0/24");
  });
});

describe("secrets of exactly their minimum length are accepted, one shorter is refused", () => {
  const cases: [Layer, string, number][] = [
    ["network", "pihole_admin_password", 8],
    ["network", "cloudflare_api_token", 1],
    ["auth", "pocket_id_encryption_key", 16],
    ["auth", "tinyauth_oauth_client_secret", 1],
  ];
  for (const [layer, key, length] of cases) {
    test(`${key}: ${length}`, () => {
      const keysOf = (value: string) =>
        parseConfig(layer, exampleRaw(layer, { [key]: value })).match(
          () => [],
          (found) => [...new Set(found.map((p) => p.where.key))],
        );
      expect(keysOf("k".repeat(length))).toEqual([]);
      expect(keysOf("k".repeat(length - 1))).toEqual([key]);
    });
  }
});
