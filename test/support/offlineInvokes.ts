/**
 * Offline answers to provider functions the programs call, so the render needs no network.
 * Each answer is shaped like the real provider's result and clearly marked as made up.
 */
export const offlineInvokes: Readonly<
  Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>
> = {
  /**
   * Cloudflare zone lookup by name (network layer): offline, the token "sees" exactly the zone
   * that was asked for, with a made-up id.
   */
  "cloudflare:index/getZones:getZones": (inputs) => {
    const name = typeof inputs.name === "string" ? inputs.name : "";
    return {
      ...inputs,
      match: "all",
      results:
        name === ""
          ? []
          : [
              {
                id: `offline-zone-id-${name.replace(/[^a-z0-9]/gi, "-")}`,
                name,
                status: "active",
                paused: false,
                type: "full",
                nameServers: ["offline-ns1.example.invalid", "offline-ns2.example.invalid"],
              },
            ],
    };
  },
};
