/**
 * The OIDC client step end to end, in process: `reconcile` against an in-memory Pocket ID that
 * answers as v2.14.0 does (oidc_controller.go, user_group_controller.go, oidc_service.go: 201 on
 * create, 409 on a taken client id, 404 on an unknown one, a secret's value only in the create
 * answer) and an in-memory API server. Runs twice to prove it idempotent.
 */
import { describe, expect, test } from "bun:test";
import type { ApiRequest, DesiredClient, DesiredState } from "../../../../lib/oidc/script/pocketId.ts";
import {
  credentialsSecret,
  FAILURE_HELP,
  failureText,
  reconcile,
  StepError,
  secretPath,
  storedCredentials,
} from "../../../../lib/oidc/script/step.ts";

interface Client {
  id: string;
  body: Record<string, unknown>;
  groups: string[];
  secrets: { id: string; value: string }[];
}

/** Pocket ID's state and the API server's Secrets, and every call made. */
const world = () => {
  const clients = new Map<string, Client>();
  const groups: { id: string; name: string }[] = [];
  const secrets = new Map<string, { data: Record<string, string> }>();
  const calls: string[] = [];
  let serial = 0;
  const fail = (request: ApiRequest, status: number, error: string): never => {
    throw new StepError(`${request.method} ${request.path}`, status, JSON.stringify({ error }));
  };
  const page = <T>(data: T[]) => ({
    data,
    pagination: { currentPage: 1, totalPages: data.length > 0 ? 1 : 0 },
  });
  const pocketId = async <T>(request: ApiRequest): Promise<T> => {
    calls.push(`${request.method} ${request.path.split("?")[0]}`);
    const [, , , kind, id, sub, subId] = request.path.split("?")[0]?.split("/") ?? [];
    const body = request.body as Record<string, unknown>;
    const found = id === undefined ? undefined : clients.get(id);
    if (request.path.startsWith("/api/user-groups")) {
      if (request.method === "GET") return page(groups) as T;
      const group = { id: `g-${++serial}`, name: String(body.name) };
      groups.push(group);
      return group as T;
    }
    if (kind !== "clients") return fail(request, 404, "not found");
    if (request.method === "GET" && id === undefined)
      return page([...clients.values()].map((c) => ({ id: c.id }))) as T;
    if (request.method === "POST" && id === undefined) {
      if (clients.has(String(body.id))) return fail(request, 409, "Client ID is already in use");
      const { id: chosen, ...rest } = body;
      clients.set(String(chosen), { id: String(chosen), body: rest, groups: [], secrets: [] });
      return { id: chosen } as T;
    }
    if (found === undefined) return fail(request, 404, "OIDC client not found");
    if (request.method === "PUT" && sub === undefined) found.body = body;
    else if (request.method === "PUT" && sub === "allowed-user-groups")
      found.groups = body.userGroupIds as string[];
    else if (request.method === "DELETE" && sub === undefined) clients.delete(found.id);
    else if (sub === "secrets" && request.method === "GET")
      return found.secrets.map((s) => ({ id: s.id, prefix: s.value.slice(0, 4), isActive: true })) as T;
    else if (sub === "secrets" && request.method === "POST") {
      /* model.MaxOidcClientSecrets: CreateClientSecret refuses a 21st secret. */
      if (found.secrets.length >= 20) return fail(request, 400, "A client cannot have more than 20 secrets");
      const created = { id: `s-${++serial}`, value: `Secret${serial}-AbCdEfGhIjKlMnOpQrStUvWx` };
      found.secrets.push(created);
      return {
        id: created.id,
        prefix: created.value.slice(0, 4),
        isActive: true,
        secret: created.value,
      } as T;
    } else if (sub === "secrets" && request.method === "DELETE") {
      if (!found.secrets.some((s) => s.id === subId)) return fail(request, 404, "Client secret not found");
      found.secrets = found.secrets.filter((s) => s.id !== subId);
    }
    return undefined as T;
  };
  const kube = async <T>(request: ApiRequest): Promise<T> => {
    calls.push(`kube ${request.method} ${request.path}`);
    const body = request.body as {
      metadata: { namespace: string; name: string };
      stringData: Record<string, string>;
    };
    if (request.method === "GET") {
      const found = secrets.get(request.path);
      return found === undefined ? fail(request, 404, "not found") : (found as T);
    }
    const data = Object.fromEntries(
      Object.entries(body.stringData).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
    );
    secrets.set(secretPath(body.metadata.namespace, body.metadata.name), { data });
    return undefined as T;
  };
  const log: string[] = [];
  return {
    clients,
    groups,
    secrets,
    calls,
    log,
    io: { pocketId, kube, log: (line: string) => log.push(line) },
  };
};

const miniflux: DesiredClient = {
  id: "homelab-apps-miniflux",
  name: "miniflux",
  callbackUrls: ["https://rss.example.com/oauth2/oidc/callback"],
  launchUrl: "https://rss.example.com",
  groups: ["family"],
  secret: { namespace: "miniflux", name: "miniflux-oidc" },
};

const state = (clients: DesiredClient[]): DesiredState => ({
  owner: "homelab-apps-",
  pocketIdUrl: "http://pocket-id.pocket-id.svc.cluster.local:80",
  labels: { "app.kubernetes.io/managed-by": "homelab-apps" },
  groups: [{ name: "family", friendlyName: "family" }],
  clients,
});

const stored = (w: ReturnType<typeof world>) => {
  const found = w.secrets.get(secretPath("miniflux", "miniflux-oidc"));
  return found === undefined ? undefined : storedCredentials(found);
};

describe("the step against Pocket ID and the API server", () => {
  test("first run: the group, the client with its callback and group, a secret in the app's Secret", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    expect(w.groups.map((g) => g.name)).toEqual(["family"]);
    const client = w.clients.get("homelab-apps-miniflux");
    expect(client?.body ?? {}).toMatchObject({
      callbackURLs: miniflux.callbackUrls,
      isGroupRestricted: true,
    });
    expect(client?.groups).toEqual(w.groups.map((g) => g.id));
    expect(stored(w)).toEqual({ clientId: "homelab-apps-miniflux", clientSecret: client?.secrets[0]?.value });
    // The log names what happened and never a secret.
    const secret = client?.secrets[0]?.value ?? "";
    expect(w.log.join("\n")).not.toContain(secret);
    expect(w.log.join("\n")).toContain("client homelab-apps-miniflux: created");
  });

  test("second run: nothing is created, the secret is kept", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    const before = stored(w);
    w.calls.length = 0;
    await reconcile(w.io, state([miniflux]));
    expect(w.calls.filter((call) => call.startsWith("POST") || call.includes("kube P"))).toEqual([]);
    expect(stored(w)).toEqual(before);
    expect(w.clients.get("homelab-apps-miniflux")?.secrets).toHaveLength(1);
  });

  test("a removed app's client is deleted; another layer's and hand-made clients stay", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    for (const id of ["homelab-auth-tinyauth", "grafana"])
      w.clients.set(id, { id, body: {}, groups: [], secrets: [] });
    await reconcile(w.io, state([]));
    expect([...w.clients.keys()].sort()).toEqual(["grafana", "homelab-auth-tinyauth"]);
    // Groups hold memberships: never deleted.
    expect(w.groups.map((g) => g.name)).toEqual(["family"]);
  });

  test("a lost Secret gets a new client secret, and the orphaned one is revoked", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    const old = stored(w)?.clientSecret;
    w.secrets.clear();
    await reconcile(w.io, state([miniflux]));
    const client = w.clients.get("homelab-apps-miniflux");
    expect(client?.secrets.map((s) => s.value)).toEqual([stored(w)?.clientSecret ?? "none"]);
    expect(stored(w)?.clientSecret).not.toBe(old);
    expect(w.log.join("\n")).toContain("restart them");
  });

  test("a Secret that cannot be written: the new client secret is revoked again, the error is the write's", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    const before = w.clients.get("homelab-apps-miniflux")?.secrets.map((s) => s.id);
    w.secrets.clear();
    const forbidden = {
      ...w.io,
      kube: async <T>(request: ApiRequest): Promise<T> =>
        request.method === "GET"
          ? w.io.kube<T>(request)
          : Promise.reject(
              new StepError(`${request.method} ${request.path}`, 403, '{"message":"forbidden"}'),
            ),
    };
    /* More failed runs than the cap of 20 secrets: none leaves a secret behind. */
    for (let run = 0; run < 21; run++)
      await expect(reconcile(forbidden, state([miniflux]))).rejects.toThrow(
        "POST /api/v1/namespaces/miniflux/secrets answered 403: forbidden",
      );
    expect(w.clients.get("homelab-apps-miniflux")?.secrets.map((s) => s.id)).toEqual(before);
    expect(w.log.join("\n")).toContain("revoked again");
    await reconcile(w.io, state([miniflux]));
    expect(w.clients.get("homelab-apps-miniflux")?.secrets.map((s) => s.value)).toEqual([
      stored(w)?.clientSecret ?? "none",
    ]);
  });

  test("a network failure on the write: the new secret is revoked again, the error is the write's", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    w.secrets.clear();
    const offline = {
      ...w.io,
      kube: async <T>(request: ApiRequest): Promise<T> =>
        request.method === "GET" ? w.io.kube<T>(request) : Promise.reject(new TypeError("fetch failed")),
    };
    await expect(reconcile(offline, state([miniflux]))).rejects.toThrow(new TypeError("fetch failed"));
    expect(w.clients.get("homelab-apps-miniflux")?.secrets).toHaveLength(1);
  });

  test("when the revoke fails too, the error names both failures", async () => {
    const w = world();
    const broken = {
      ...w.io,
      kube: async <T>(request: ApiRequest): Promise<T> =>
        request.method === "GET"
          ? w.io.kube<T>(request)
          : Promise.reject(new StepError(`${request.method} ${request.path}`, 422, '{"message":"invalid"}')),
      pocketId: async <T>(request: ApiRequest): Promise<T> =>
        request.method === "DELETE"
          ? Promise.reject(new StepError(`${request.method} ${request.path}`, 500, "database is locked"))
          : w.io.pocketId<T>(request),
    };
    const failure = await reconcile(broken, state([miniflux])).catch((error: Error) => error);
    const secret = w.clients.get("homelab-apps-miniflux")?.secrets[0];
    expect(failure?.message).toContain("POST /api/v1/namespaces/miniflux/secrets answered 422: invalid");
    expect(failure?.message).toContain(
      `revoking the new secret ${secret?.id} of client homelab-apps-miniflux`,
    );
    expect(failure?.message).toContain("answered 500: database is locked");
    expect(failure?.message).not.toContain(secret?.value ?? "none");
    /* The next run that succeeds revokes it. */
    await reconcile(w.io, state([miniflux]));
    expect(w.clients.get("homelab-apps-miniflux")?.secrets.map((s) => s.value)).toEqual([
      stored(w)?.clientSecret ?? "none",
    ]);
  });

  test("a stored secret that works: the client's other secrets are revoked, it is kept", async () => {
    const w = world();
    await reconcile(w.io, state([miniflux]));
    const client = w.clients.get("homelab-apps-miniflux");
    client?.secrets.push({ id: "orphan", value: "OrphanAbCdEfGhIjKlMnOpQrStUvWx" });
    w.calls.length = 0;
    await reconcile(w.io, state([miniflux]));
    expect(client?.secrets.map((s) => s.value)).toEqual([stored(w)?.clientSecret ?? "none"]);
    expect(w.calls.filter((call) => call.startsWith("POST") || call.includes("kube P"))).toEqual([]);
    expect(w.log.join("\n")).toContain("1 other secret(s) nothing holds revoked");
  });

  test("only a 404 reads as a missing Secret: another refusal stops the step", async () => {
    const w = world();
    const refusing = {
      ...w.io,
      kube: async <T>(request: ApiRequest): Promise<T> =>
        Promise.reject(new StepError(`${request.method} ${request.path}`, 403, '{"message":"answered 404"}')),
    };
    await expect(reconcile(refusing, state([miniflux]))).rejects.toThrow(
      "GET /api/v1/namespaces/miniflux/secrets/miniflux-oidc answered 403",
    );
    expect(w.calls.filter((call) => call.includes("/secrets"))).toEqual([]);
  });

  test("a refusal stops the step with the call, the status and Pocket ID's message", async () => {
    const w = world();
    w.clients.set("homelab-apps-miniflux", {
      id: "homelab-apps-miniflux",
      body: {},
      groups: [],
      secrets: [],
    });
    const refusing = {
      ...w.io,
      pocketId: async <T>(request: ApiRequest): Promise<T> =>
        request.method === "PUT"
          ? Promise.reject(new StepError("PUT /x", 401, '{"error":"You are not signed in"}'))
          : w.io.pocketId<T>(request),
    };
    await expect(reconcile(refusing, state([miniflux]))).rejects.toThrow(
      "PUT /x answered 401: You are not signed in",
    );
  });
});

describe("texts", () => {
  test("a failure names the call and the upstream message, or the start of a body that is not JSON", () => {
    expect(failureText("GET /api/user-groups", 500, "upstream connect error")).toBe(
      "GET /api/user-groups answered 500: upstream connect error",
    );
    expect(failureText("POST /api/v1/namespaces/m/secrets", 403, '{"message":"forbidden"}')).toBe(
      "POST /api/v1/namespaces/m/secrets answered 403: forbidden",
    );
  });

  test("the help names the next step for each failure the step knows", () => {
    const help = FAILURE_HELP.join("\n");
    for (const cause of ["401", "403", "409", "unreachable"]) expect(help).toContain(cause);
  });

  test("the Secret holds the client id and secret under the keys the apps read", () => {
    const secret = credentialsSecret(state([miniflux]), miniflux, "value-of-the-secret");
    expect(secret.metadata).toEqual({
      name: "miniflux-oidc",
      namespace: "miniflux",
      labels: { "app.kubernetes.io/managed-by": "homelab-apps" },
    });
    expect(secret.stringData).toEqual({
      "client-id": "homelab-apps-miniflux",
      "client-secret": "value-of-the-secret",
    });
  });
});
