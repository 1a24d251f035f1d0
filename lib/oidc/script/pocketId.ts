/**
 * Pocket ID's API as the OIDC client step uses it: the requests it sends and the decisions it takes
 * on the answers, as pure functions (the tests check them against the shapes below). Shipped to the
 * cluster with ./step.ts: no imports, so the two files are the whole program.
 *
 * Pocket ID v2.14.0, read in its source (github.com/pocket-id/pocket-id@v2.14.0):
 * - routes: backend/internal/controller/oidc_controller.go (clients, client secrets, allowed user
 *   groups), backend/internal/controller/user_group_controller.go (user groups).
 * - bodies: backend/internal/dto/oidc_dto.go (OidcClientCreateDto: a chosen `id`, 2-128 of
 *   [a-zA-Z0-9._-]; OidcClientUpdateDto; OidcClientSecretDto/CreatedDto; OidcUpdateAllowedUserGroupsDto),
 *   backend/internal/dto/user_group_dto.go (UserGroupCreateDto), backend/internal/dto/pagination_dto.go
 *   and backend/internal/utils/list_request_util.go (`pagination[page]`, `pagination[limit]` <= 100).
 * - backend/internal/service/oidc_service.go: a client secret's value is returned only by the create
 *   call; a listed secret shows its first 4 characters (`prefix`, model.OidcClientSecretPrefixLength);
 *   UpdateClient replaces every setting, and clears the allowed groups when isGroupRestricted is false.
 *
 * Block comments only inside functions: the render prints this file, and its check for doubled
 * path separators (test/cli/addressPlan.test.ts) would take a line comment for one.
 */

export interface DesiredGroup {
  name: string;
  friendlyName: string;
}

export interface DesiredClient {
  /** Chosen by us, so a run finds its clients again: `<owner><name>`. */
  id: string;
  name: string;
  callbackUrls: string[];
  launchUrl: string;
  /** Names of the groups allowed to log in; empty lets every Pocket ID user in. */
  groups: string[];
  /** Where the credentials go: keys `client-id` and `client-secret`. */
  secret: { namespace: string; name: string };
}

/** What the render writes to `desired.json` beside this file. */
export interface DesiredState {
  /** The client id prefix this run owns: clients with it that are not declared are deleted. */
  owner: string;
  /** Pocket ID inside the cluster (no hairpin through the router). */
  pocketIdUrl: string;
  /** Labels of the Secrets the run writes. */
  labels: Record<string, string>;
  groups: DesiredGroup[];
  clients: DesiredClient[];
}

export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  body?: unknown;
}

export interface Page<T> {
  data: T[];
  pagination: { totalPages: number; currentPage: number };
}
export interface GroupDto {
  id: string;
  name: string;
}
export interface ClientDto {
  id: string;
}
export interface SecretDto {
  id: string;
  prefix: string;
  isActive: boolean;
}
export interface SecretCreatedDto extends SecretDto {
  secret: string;
}

/** model.OidcClientSecretPrefixLength (backend/internal/model/oidc.go). */
const SECRET_PREFIX_LENGTH = 4;
/** The most a page holds (utils.Paginate caps larger limits at 100). */
const PAGE_LIMIT = 100;

export const CLIENTS = "/api/oidc/clients";
export const GROUPS = "/api/user-groups";

export const pageRequest = (collection: string, page: number): ApiRequest => ({
  method: "GET",
  path: `${collection}?pagination[page]=${page}&pagination[limit]=${PAGE_LIMIT}`,
});

/** The next page to fetch after `page`, or undefined on the last one. */
export const nextPage = (page: Page<unknown>): number | undefined =>
  page.pagination.currentPage < page.pagination.totalPages ? page.pagination.currentPage + 1 : undefined;

/** Declared groups Pocket ID lacks, by name (groups are never deleted: they hold memberships). */
export const missingGroups = (
  desired: readonly DesiredGroup[],
  existing: readonly GroupDto[],
): DesiredGroup[] => desired.filter((group) => !existing.some((found) => found.name === group.name));

export const createGroupRequest = (group: DesiredGroup): ApiRequest => ({
  method: "POST",
  path: GROUPS,
  body: { friendlyName: group.friendlyName, name: group.name },
});

/** OidcClientUpdateDto: a confidential client, no consent screen (the apps are the admin's own). */
export const clientBody = (client: DesiredClient) => ({
  name: client.name,
  description: `Managed by the cluster's OIDC client step (${client.secret.namespace}/${client.secret.name})`,
  callbackURLs: client.callbackUrls,
  logoutCallbackURLs: [],
  isPublic: false,
  pkceEnabled: false,
  requiresReauthentication: false,
  requiresPushedAuthorizationRequests: false,
  skipConsent: true,
  launchURL: client.launchUrl,
  isGroupRestricted: client.groups.length > 0,
});

/** Create with the chosen id, or replace the settings of the client that has it. */
export const upsertClientRequest = (client: DesiredClient, exists: boolean): ApiRequest =>
  exists
    ? { method: "PUT", path: `${CLIENTS}/${client.id}`, body: clientBody(client) }
    : { method: "POST", path: CLIENTS, body: { id: client.id, ...clientBody(client) } };

/** The allowed groups, by id; every declared group exists by the time this is sent. */
export const allowedGroupsRequest = (client: DesiredClient, groups: readonly GroupDto[]): ApiRequest => ({
  method: "PUT",
  path: `${CLIENTS}/${client.id}/allowed-user-groups`,
  body: {
    userGroupIds: client.groups.flatMap((name) => groups.filter((g) => g.name === name).map((g) => g.id)),
  },
});

/** Clients this owner made earlier and no longer declares: a removed app's client. */
export const staleClients = (state: DesiredState, existing: readonly ClientDto[]): string[] =>
  existing
    .map((client) => client.id)
    .filter((id) => id.startsWith(state.owner) && !state.clients.some((client) => client.id === id));

export interface StoredCredentials {
  clientId?: string;
  clientSecret?: string;
}

/** The first characters a listed secret shows of its value (clientSecretPrefix in oidc_service.go). */
const prefixOf = (value: string): string => value.slice(0, SECRET_PREFIX_LENGTH);

/** The Secret still logs in when it names this client and an active secret of it starts the same. */
export const storedSecretWorks = (
  stored: StoredCredentials | undefined,
  clientId: string,
  secrets: readonly SecretDto[],
): stored is Required<StoredCredentials> => {
  const value = stored?.clientSecret;
  if (stored?.clientId !== clientId || value === undefined || value.length <= SECRET_PREFIX_LENGTH)
    return false;
  return secrets.some((s) => s.isActive && s.prefix === prefixOf(value));
};

/** After a new secret is stored, the client's others are orphans nothing can read: revoke them. */
export const secretsToRevoke = (secrets: readonly SecretDto[], keep: string): string[] =>
  secrets.filter((s) => s.id !== keep).map((s) => s.id);

/**
 * Beside a stored secret that works, the client's secrets that cannot be it (another prefix): orphans
 * of a run that failed between creating a secret and revoking the old ones. Those sharing its prefix
 * stay, since a listing cannot tell them apart. Orphans count against the cap of 20 secrets a client
 * holds (model.MaxOidcClientSecrets, backend/internal/model/oidc.go), expired ones included.
 */
export const secretsBesideStored = (secrets: readonly SecretDto[], storedSecret: string): string[] =>
  secrets.filter((s) => s.prefix !== prefixOf(storedSecret)).map((s) => s.id);
