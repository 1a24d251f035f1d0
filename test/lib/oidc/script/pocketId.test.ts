/**
 * The requests the OIDC client step sends, against the request bodies of Pocket ID v2.14.0
 * (github.com/pocket-id/pocket-id@v2.14.0, backend/internal/dto/oidc_dto.go and user_group_dto.go:
 * the JSON names of each DTO's fields, and the fields its `binding` tags require), and the
 * decisions it takes on Pocket ID's answers.
 */
import { describe, expect, test } from "bun:test";
import {
  allowedGroupsRequest,
  clientBody,
  createGroupRequest,
  type DesiredClient,
  type DesiredState,
  missingGroups,
  nextPage,
  pageRequest,
  secretsBesideStored,
  secretsToRevoke,
  staleClients,
  storedSecretWorks,
  upsertClientRequest,
} from "../../../../lib/oidc/script/pocketId.ts";

/** OidcClientUpdateDto's JSON fields; `name` is `binding:"required,max=50"`. */
const CLIENT_UPDATE_FIELDS = [
  "name",
  "description",
  "callbackURLs",
  "logoutCallbackURLs",
  "isPublic",
  "pkceEnabled",
  "requiresReauthentication",
  "requiresPushedAuthorizationRequests",
  "skipConsent",
  "credentials",
  "launchURL",
  "hasLogo",
  "hasDarkLogo",
  "logoUrl",
  "darkLogoUrl",
  "isGroupRestricted",
  "accessTokenDurationMinutes",
  "refreshTokenDurationMinutes",
];
/** OidcClientCreateDto adds `id` (`binding:"omitempty,client_id,min=2,max=128"`, [a-zA-Z0-9._-]+). */
const CLIENT_CREATE_FIELDS = [...CLIENT_UPDATE_FIELDS, "id"];
/** UserGroupCreateDto: friendlyName (required, 2-50) and name (required, 2-255). */
const GROUP_CREATE_FIELDS = ["friendlyName", "name"];

const client = (changes: Partial<DesiredClient> = {}): DesiredClient => ({
  id: "homelab-apps-miniflux",
  name: "miniflux",
  callbackUrls: ["https://rss.example.com/oauth2/oidc/callback"],
  launchUrl: "https://rss.example.com",
  groups: [],
  secret: { namespace: "miniflux", name: "miniflux-oidc" },
  ...changes,
});

const keysOf = (body: unknown): string[] => Object.keys(body as object).sort();

describe("requests, in Pocket ID v2.14.0's shapes", () => {
  test("a new client is created with its chosen id; an existing one is replaced under its id", () => {
    const created = upsertClientRequest(client(), false);
    expect([created.method, created.path]).toEqual(["POST", "/api/oidc/clients"]);
    expect(CLIENT_CREATE_FIELDS).toEqual(expect.arrayContaining(keysOf(created.body)));
    expect(created.body).toMatchObject({ id: "homelab-apps-miniflux", name: "miniflux" });
    expect(client().id).toMatch(/^[a-zA-Z0-9._-]{2,128}$/);
    const updated = upsertClientRequest(client(), true);
    expect([updated.method, updated.path]).toEqual(["PUT", "/api/oidc/clients/homelab-apps-miniflux"]);
    expect(CLIENT_UPDATE_FIELDS).toEqual(expect.arrayContaining(keysOf(updated.body)));
    expect(updated.body).not.toHaveProperty("id");
  });

  test("a confidential client, its callback URLs, no consent screen; group-restricted only with groups", () => {
    expect(clientBody(client())).toMatchObject({
      callbackURLs: ["https://rss.example.com/oauth2/oidc/callback"],
      isPublic: false,
      skipConsent: true,
      launchURL: "https://rss.example.com",
      isGroupRestricted: false,
    });
    expect(clientBody(client({ groups: ["family"] })).isGroupRestricted).toBe(true);
    // `description` is at most 150 characters (binding:"omitempty,max=150").
    expect(clientBody(client()).description.length).toBeLessThanOrEqual(150);
  });

  test("allowed groups are sent by id, in OidcUpdateAllowedUserGroupsDto's one field", () => {
    const groups = [
      { id: "g-1", name: "family" },
      { id: "g-2", name: "admins" },
    ];
    const request = allowedGroupsRequest(client({ groups: ["family"] }), groups);
    expect(request).toEqual({
      method: "PUT",
      path: "/api/oidc/clients/homelab-apps-miniflux/allowed-user-groups",
      body: { userGroupIds: ["g-1"] },
    });
    // binding:"required": an empty list, never a missing field, clears them.
    expect(allowedGroupsRequest(client(), groups).body).toEqual({ userGroupIds: [] });
  });

  test("groups are created by name, and only the missing ones", () => {
    const request = createGroupRequest({ name: "family", friendlyName: "family" });
    expect([request.method, request.path]).toEqual(["POST", "/api/user-groups"]);
    expect(keysOf(request.body)).toEqual(GROUP_CREATE_FIELDS);
    expect(
      missingGroups(
        [
          { name: "family", friendlyName: "family" },
          { name: "admins", friendlyName: "admins" },
        ],
        [{ id: "g-1", name: "family" }],
      ),
    ).toEqual([{ name: "admins", friendlyName: "admins" }]);
  });

  test("lists are read page by page, 100 at a time (utils.Paginate caps the limit at 100)", () => {
    expect(pageRequest("/api/oidc/clients", 2).path).toBe(
      "/api/oidc/clients?pagination[page]=2&pagination[limit]=100",
    );
    expect(nextPage({ data: [], pagination: { currentPage: 1, totalPages: 3 } })).toBe(2);
    expect(nextPage({ data: [], pagination: { currentPage: 3, totalPages: 3 } })).toBeUndefined();
    // An empty list has zero pages and answers page 0.
    expect(nextPage({ data: [], pagination: { currentPage: 0, totalPages: 0 } })).toBeUndefined();
  });
});

describe("decisions", () => {
  const state = (clients: DesiredClient[]): DesiredState => ({
    owner: "homelab-apps-",
    pocketIdUrl: "http://pocket-id",
    labels: {},
    groups: [],
    clients,
  });

  test("only this owner's undeclared clients are stale: another layer's and hand-made ones never", () => {
    const existing = [
      "homelab-apps-miniflux",
      "homelab-apps-removed",
      "homelab-auth-tinyauth",
      "grafana",
    ].map((id) => ({ id }));
    expect(staleClients(state([client()]), existing)).toEqual(["homelab-apps-removed"]);
    expect(staleClients(state([]), existing)).toEqual(["homelab-apps-miniflux", "homelab-apps-removed"]);
  });

  test("a stored secret is kept when it names the client and an active secret has its prefix", () => {
    const secrets = [{ id: "s-1", prefix: "AbCd", isActive: true }];
    const stored = { clientId: "homelab-apps-miniflux", clientSecret: "AbCdEfGhIjKlMnOp" };
    expect(storedSecretWorks(stored, "homelab-apps-miniflux", secrets)).toBe(true);
    expect(storedSecretWorks(stored, "homelab-apps-other", secrets)).toBe(false);
    expect(storedSecretWorks({ ...stored, clientSecret: "XyZwEfGh" }, stored.clientId, secrets)).toBe(false);
    expect(storedSecretWorks(stored, stored.clientId, [{ id: "s-1", prefix: "AbCd", isActive: false }])).toBe(
      false,
    );
    expect(storedSecretWorks(undefined, stored.clientId, secrets)).toBe(false);
    expect(storedSecretWorks({ clientId: stored.clientId }, stored.clientId, secrets)).toBe(false);
  });

  test("after a new secret, every other secret of the client is revoked", () => {
    const secrets = ["old-1", "new", "old-2"].map((id) => ({ id, prefix: "", isActive: true }));
    expect(secretsToRevoke(secrets, "new")).toEqual(["old-1", "old-2"]);
  });

  test("beside a stored secret that works, the others are revoked, never one that could be it", () => {
    const secrets = [
      { id: "stored", prefix: "AbCd", isActive: true },
      { id: "same-prefix", prefix: "AbCd", isActive: true },
      { id: "orphan", prefix: "XyZw", isActive: true },
      { id: "expired", prefix: "QrSt", isActive: false },
      { id: "migrated", prefix: "", isActive: true },
    ];
    expect(secretsBesideStored(secrets, "AbCdEfGhIjKlMnOp")).toEqual(["orphan", "expired", "migrated"]);
  });
});
