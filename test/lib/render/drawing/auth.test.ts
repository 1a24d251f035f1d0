/**
 * The drawing's pure parts, without a layout: the auth of a route from its middlewares and
 * annotations (one table of kinds), line wrapping, and the secret check of the drawing's files.
 */
import { describe, expect, test } from "bun:test";
import { OIDC_CLIENTS_ANNOTATION, PUBLIC_WITHOUT_AUTH } from "../../../../lib/k8s/annotations.ts";
import type { KubernetesObject } from "../../../../lib/render/documents.ts";
import { authContextOf, authOf } from "../../../../lib/render/drawing/auth.ts";
import { wrapLine } from "../../../../lib/render/drawing/layout.ts";
import { fileLeaks } from "../../../../lib/render/render.ts";
import { hostRoutes } from "../../../../lib/render/routes.ts";
import { configSchemas } from "../../../../programs/layers.ts";

const middleware = (namespace: string, name: string, spec: object): KubernetesObject => ({
  apiVersion: "traefik.io/v1alpha1",
  kind: "Middleware",
  metadata: { namespace, name },
  spec,
});

/** A step's ConfigMap as lib/oidc/reconcile.ts writes it, declaring one client with a callback on `host`. */
const oidcStep = (host: string): KubernetesObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    namespace: "pocket-id",
    name: "oidc-clients-apps",
    annotations: { [OIDC_CLIENTS_ANNOTATION]: "desired.json" },
  },
  data: {
    "desired.json": JSON.stringify({
      clients: [{ id: "homelab-apps-rss", callbackUrls: [`https://${host}/oauth2/oidc/callback`] }],
    }),
  },
});

const CONTEXT = authContextOf([
  middleware("tinyauth", "forward-auth", { forwardAuth: { address: "http://tinyauth.tinyauth:3000" } }),
  middleware("traefik-public", "lan-only", { ipAllowList: { sourceRange: ["192.168.0.0/16"] } }),
  oidcStep("rss.example.com"),
]);

const ingress = (annotations: Record<string, string>): KubernetesObject => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { namespace: "demo", name: "demo", annotations },
  spec: { ingressClassName: "traefik-public", rules: [{ host: "demo.example.com" }] },
});

const authOfObject = (object: KubernetesObject) => hostRoutes(object).map((route) => authOf(route, CONTEXT));

describe("the auth of a host, from its route", () => {
  test("an Ingress through the forwardAuth middleware (by its annotation reference) has forward auth", () => {
    const object = ingress({
      "traefik.ingress.kubernetes.io/router.middlewares": "tinyauth-forward-auth@kubernetescrd",
    });
    expect(authOfObject(object)).toEqual([["forward auth"]]);
  });

  test("an IngressRoute through both middlewares, one named in its own namespace, has forward auth and LAN only", () => {
    const route: KubernetesObject = {
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: { namespace: "traefik-public", name: "dashboard" },
      spec: {
        routes: [
          {
            match: "Host(`traefik.example.com`)",
            middlewares: [{ name: "lan-only" }, { name: "forward-auth", namespace: "tinyauth" }],
          },
        ],
      },
    };
    expect(authOfObject(route)).toEqual([["forward auth", "LAN only"]]);
  });

  test("a host with an OIDC client's callback has native OIDC, beside its forward auth", () => {
    const rss = (annotations: Record<string, string>): KubernetesObject => ({
      ...ingress(annotations),
      spec: { ingressClassName: "traefik-private", rules: [{ host: "rss.example.com" }] },
    });
    expect(authOfObject(rss({}))).toEqual([["native OIDC (homelab-apps-rss)"]]);
    expect(
      authOfObject(
        rss({ "traefik.ingress.kubernetes.io/router.middlewares": "tinyauth-forward-auth@kubernetescrd" }),
      ),
    ).toEqual([["forward auth", "native OIDC (homelab-apps-rss)"]]);
    // Another host of the same stack is not the client's.
    expect(authOfObject(ingress({}))).toEqual([["no auth"]]);
  });

  test("a waived public route shows its reason; a route with neither says no auth", () => {
    expect(authOfObject(ingress({ [PUBLIC_WITHOUT_AUTH]: "a public blog" }))).toEqual([
      ["waived: a public blog"],
    ]);
    expect(authOfObject(ingress({}))).toEqual([["no auth"]]);
    // A middleware the plans do not hold (or of another kind) is no auth.
    expect(
      authOfObject(ingress({ "traefik.ingress.kubernetes.io/router.middlewares": "x-y@kubernetescrd" })),
    ).toEqual([["no auth"]]);
  });
});

test("long lines wrap at spaces, continued lines indented; a long word stays whole", () => {
  expect(wrapLine("aaa bbb ccc ddd", 8)).toEqual(["aaa bbb", "  ccc", "  ddd"]);
  expect(wrapLine("averyveryverylongword", 8)).toEqual(["averyveryverylongword"]);
  expect(wrapLine("", 8)).toEqual([""]);
});

test("a secret of the config in a drawing file is a problem naming the key and the file, never the value", () => {
  const raw = { network: { cloudflare_api_token: "drawing-canary-token" }, storage: {}, auth: {}, apps: {} };
  const problems = fileLeaks(configSchemas, raw, {
    "cluster.svg": "<svg><text>drawing-canary-token</text></svg>",
    "cluster.html": "<p>clean</p>",
  });
  expect(problems).toHaveLength(1);
  expect(problems[0]?.where).toEqual({ layer: "network", key: "cloudflare_api_token" });
  expect(problems[0]?.what).toContain("appears in cluster.svg");
  expect(JSON.stringify(problems)).not.toContain("drawing-canary-token");
});
