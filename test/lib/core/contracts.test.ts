import { describe, expect, test } from "bun:test";
import { ok } from "neverthrow";
import { authContract, networkContract, validateContract } from "../../../lib/core/contracts.ts";
import { defineLayer, upstreamStackName } from "../../../lib/core/layer.ts";
import { projectName } from "../../../lib/core/layerNames.ts";
import { formatProblem } from "../../../lib/core/problem.ts";
import { appsConfigSchema } from "../../../lib/layers/apps/config.ts";
import { runLayer } from "../../../lib/pulumi/program.ts";
import { configSchemas } from "../../../programs/layers.ts";
import { exampleRaw } from "../../support/config.ts";
import { runUnderMocks } from "../../support/mockRuntime.ts";
import { renderedLayer, TEST_RUN } from "../../support/render.ts";

const STACK = "organization/homelab-network/example";

describe("contract validation", () => {
  test("names every missing and invalid key, the stack and the fix", () => {
    const result = validateContract(
      networkContract,
      { domain: "example.com", publicIngressIp: "nope" },
      STACK,
    );
    const message = result._unsafeUnwrapErr().map(formatProblem).join("\n");
    expect(message).toContain(`network: publicIngressIp = "nope" of stack ${STACK} is not an IPv4 address`);
    expect(message).toContain(
      `network: privateIngressClass is missing from stack ${STACK} (expected a non-empty string)`,
    );
    expect(message).toContain("bun run deploy:network");
    expect(result._unsafeUnwrapErr().map((p) => p.where.key)).not.toContain("domain");
  });

  test("accepts what the network layer really exports", async () => {
    const network = await renderedLayer("network");
    expect(validateContract(networkContract, network.outputs, STACK).isOk()).toBe(true);
  });

  test("rejects a middleware reference Traefik would not resolve", () => {
    const outputs = {
      publicAuthMiddleware: "tinyauth/forward-auth",
      privateAuthMiddleware: "tinyauth-forward-auth@kubernetescrd",
      pocketIdIssuerUrl: "https://pocketid.example.com",
      tinyauthUrl: "http://auth.example.com",
    };
    const message = validateContract(authContract, outputs, "s")
      ._unsafeUnwrapErr()
      .map(formatProblem)
      .join("\n");
    expect(message).toContain("publicAuthMiddleware");
    expect(message).toContain("tinyauthUrl");
    expect(message).not.toContain("pocketIdIssuerUrl");
  });
});

describe("stack references", () => {
  const context = { stack: "home", organization: "organization" };

  test("are derived from the stack name and the upstream project", () => {
    expect(upstreamStackName("network", {}, context)).toBe(`organization/${projectName("network")}/home`);
  });

  test("can be overridden by config", () => {
    expect(upstreamStackName("network", { networkStack: "me/net/prod" }, context)).toBe("me/net/prod");
  });

  test("a read of an incomplete upstream stack fails before any resource, naming key and stack", async () => {
    const reader = defineLayer({
      layer: "apps",
      schema: appsConfigSchema,
      reads: { network: networkContract },
      evaluate: () => ok({ plan: { releases: [], objects: [] }, exports: {}, summary: [], notices: [] }),
    });
    const run = runUnderMocks(
      {
        project: projectName("apps"),
        stack: "home",
        invokes: {},
        stackReference: (name) =>
          name === "organization/homelab-network/home"
            ? { outputs: { domain: "example.com" }, secretOutputNames: [] }
            : undefined,
      },
      () => runLayer(reader, exampleRaw("apps"), context, { schemas: configSchemas, run: TEST_RUN }),
    );
    await expect(run).rejects.toThrow(
      /network stack organization\/homelab-network\/home[\s\S]*publicIngressClass is missing/,
    );
  });
});
