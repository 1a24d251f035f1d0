/**
 * The OIDC client step: the program a Job runs inside the cluster once Pocket ID is ready
 * (lib/oidc/reconcile.ts ships this file and ./pocketId.ts in a ConfigMap and runs them with the
 * pinned Bun image). It makes Pocket ID hold exactly the declared clients of one owner and the
 * declared groups, and writes each client's credentials into a Kubernetes Secret. Idempotent: a
 * second run changes nothing. Only `main` and the HTTP helpers touch the world.
 *
 * Pocket ID v2.14.0 (github.com/pocket-id/pocket-id@v2.14.0): backend/internal/middleware/
 * auth_middleware.go and api_key_auth.go accept an `X-API-Key` header on the admin routes;
 * backend/internal/apikey/service.go lets the value of STATIC_API_KEY act as the admin
 * "Static API User". Secrets are read, created and replaced through the API server (core/v1).
 *
 * Block comments only inside functions: the render prints this file, and its check for doubled
 * path separators (test/cli/addressPlan.test.ts) would take a line comment for one.
 */
import {
  type ApiRequest,
  allowedGroupsRequest,
  CLIENTS,
  type ClientDto,
  createGroupRequest,
  type DesiredClient,
  type DesiredState,
  GROUPS,
  type GroupDto,
  missingGroups,
  nextPage,
  type Page,
  pageRequest,
  type SecretCreatedDto,
  type SecretDto,
  type StoredCredentials,
  secretsBesideStored,
  secretsToRevoke,
  staleClients,
  storedSecretWorks,
  upsertClientRequest,
} from "./pocketId.ts";

/** The Secret keys every consumer reads (withOidc, Tinyauth). */
export const SECRET_KEYS = { clientId: "client-id", clientSecret: "client-secret" } as const;

export const secretPath = (namespace: string, name?: string): string =>
  `/api/v1/namespaces/${namespace}/secrets${name === undefined ? "" : `/${name}`}`;

export const credentialsSecret = (state: DesiredState, client: DesiredClient, clientSecret: string) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: client.secret.name, namespace: client.secret.namespace, labels: state.labels },
  type: "Opaque",
  stringData: { [SECRET_KEYS.clientId]: client.id, [SECRET_KEYS.clientSecret]: clientSecret },
});

/** One key of a Secret read from the API server (base64 in `data`), or undefined when it lacks it. */
const decoded = (data: Record<string, string> | undefined, key: string): string | undefined => {
  const value = data?.[key];
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
};

/** What a Secret read from the API server holds under the two keys. */
export const storedCredentials = (secret: { data?: Record<string, string> }): StoredCredentials => ({
  clientId: decoded(secret.data, SECRET_KEYS.clientId),
  clientSecret: decoded(secret.data, SECRET_KEYS.clientSecret),
});

export const FAILURE_HELP = [
  "What to do: the step is safe to run again, and the next deploy of the same layer replaces this failed Job.",
  "- Pocket ID unreachable or 5xx: check it runs (kubectl -n pocket-id get pods; kubectl -n pocket-id logs deploy/pocket-id), then deploy again.",
  "- 401 from Pocket ID: it runs with another STATIC_API_KEY than this Job mounted (the key changed since it started): kubectl -n pocket-id rollout restart deploy/pocket-id, then deploy again.",
  "- 403 from the API server: the Job's Role does not cover that Secret; deploy the layer again so its Role is current.",
  "- 409 Client ID is already in use: a client with this id exists (made by hand?); delete it in Pocket ID's admin UI and deploy again.",
];

export const failureText = (call: string, status: number, body: string): string => {
  let message = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: string; message?: string };
    message = parsed.error ?? parsed.message ?? message;
  } catch {}
  return `${call} answered ${status}: ${message}`;
};

/** One line per failure: the call, its status and Pocket ID's or the API server's message, never a secret. */
export class StepError extends Error {
  /** The HTTP status, so callers branch on it and not on the text. */
  readonly status: number;
  constructor(call: string, status: number, body: string) {
    super(failureText(call, status, body));
    this.status = status;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type Call = <T>(request: ApiRequest) => Promise<T>;

const caller =
  (base: string, headers: Record<string, string>, tls?: { ca: string }): Call =>
  async <T>(request: ApiRequest): Promise<T> => {
    /* Bun's fetch takes `tls.ca` (BunFetchRequestInit.tls, bun.sh reference): the cluster's CA here. */
    const response = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: { ...headers, "Content-Type": "application/json" },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      ...(tls === undefined ? {} : { tls }),
    });
    const text = await response.text();
    if (!response.ok) throw new StepError(`${request.method} ${request.path}`, response.status, text);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };

const listAll = async <T>(call: Call, collection: string): Promise<T[]> => {
  const items: T[] = [];
  for (let page: number | undefined = 1; page !== undefined; ) {
    const result: Page<T> = await call<Page<T>>(pageRequest(collection, page));
    items.push(...result.data);
    page = nextPage(result);
  }
  return items;
};

/** Pocket ID has just become ready; a refused connection is worth a few more tries. */
const waitForPocketId = async (call: Call, log: (line: string) => void): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await call(pageRequest(GROUPS, 1));
      return;
    } catch (error) {
      if (error instanceof StepError || attempt >= 24) throw error;
      log(`Pocket ID not reachable yet (${String(error)}); retrying in 5 s`);
      await Bun.sleep(5000);
    }
  }
};

interface Io {
  pocketId: Call;
  kube: Call;
  log: (line: string) => void;
}

const syncGroups = async (io: Io, state: DesiredState): Promise<GroupDto[]> => {
  const existing = await listAll<GroupDto>(io.pocketId, GROUPS);
  for (const group of missingGroups(state.groups, existing)) {
    existing.push(await io.pocketId<GroupDto>(createGroupRequest(group)));
    io.log(`group ${group.name}: created`);
  }
  return existing;
};

const readStored = async (io: Io, client: DesiredClient): Promise<StoredCredentials | undefined> => {
  try {
    const path = secretPath(client.secret.namespace, client.secret.name);
    return storedCredentials(await io.kube<{ data?: Record<string, string> }>({ method: "GET", path }));
  } catch (error) {
    if (error instanceof StepError && error.status === 404) return undefined;
    throw error;
  }
};

const secretsPath = (client: DesiredClient): string => `${CLIENTS}/${client.id}/secrets`;

const revokeSecrets = async (io: Io, client: DesiredClient, ids: readonly string[]): Promise<void> => {
  for (const id of ids) await io.pocketId({ method: "DELETE", path: `${secretsPath(client)}/${id}` });
};

/**
 * The Secret could not be written: revoke the secret just created, or nothing would hold it and
 * every retry would add one (until the cap of 20 refuses new ones). Returns what to throw: the
 * write's own error, or, if the revoke fails too, one naming both.
 */
const revokeUnheld = async (io: Io, client: DesiredClient, id: string, failure: unknown) => {
  try {
    await revokeSecrets(io, client, [id]);
    io.log(`client ${client.id}: the Secret was not written, so its new secret ${id} is revoked again`);
    return failure;
  } catch (revokeFailure) {
    return new Error(
      `${messageOf(failure)}; revoking the new secret ${id} of client ${client.id} failed too ` +
        `(${messageOf(revokeFailure)}): the next run that succeeds revokes it`,
      { cause: failure },
    );
  }
};

const writeSecret = async (
  io: Io,
  state: DesiredState,
  client: DesiredClient,
  stored?: StoredCredentials,
) => {
  const created = await io.pocketId<SecretCreatedDto>({
    method: "POST",
    path: secretsPath(client),
    body: {},
  });
  const body = credentialsSecret(state, client, created.secret);
  try {
    if (stored === undefined)
      await io.kube({ method: "POST", path: secretPath(client.secret.namespace), body });
    else
      await io.kube({ method: "PUT", path: secretPath(client.secret.namespace, client.secret.name), body });
  } catch (failure) {
    throw await revokeUnheld(io, client, created.id, failure);
  }
  return created.id;
};

const syncSecret = async (io: Io, state: DesiredState, client: DesiredClient, stored?: StoredCredentials) => {
  const where = `${client.secret.namespace}/${client.secret.name}`;
  const secrets = (await io.pocketId<SecretDto[] | null>({ method: "GET", path: secretsPath(client) })) ?? [];
  if (storedSecretWorks(stored, client.id, secrets)) {
    const orphans = secretsBesideStored(secrets, stored.clientSecret);
    await revokeSecrets(io, client, orphans);
    const revoked = orphans.length === 0 ? "" : `; ${orphans.length} other secret(s) nothing holds revoked`;
    return io.log(`client ${client.id}: secret in ${where} is current${revoked}`);
  }
  await revokeSecrets(io, client, secretsToRevoke(secrets, await writeSecret(io, state, client, stored)));
  io.log(
    `client ${client.id}: new secret written to ${where} (pods started before read the old one: restart them)`,
  );
};

export const reconcile = async (io: Io, state: DesiredState): Promise<void> => {
  const groups = await syncGroups(io, state);
  const existing = await listAll<ClientDto>(io.pocketId, CLIENTS);
  for (const client of state.clients) {
    const exists = existing.some((found) => found.id === client.id);
    await io.pocketId(upsertClientRequest(client, exists));
    await io.pocketId(allowedGroupsRequest(client, groups));
    io.log(
      `client ${client.id}: ${exists ? "updated" : "created"}, callbacks ${client.callbackUrls.join(" ")}`,
    );
    await syncSecret(io, state, client, await readStored(io, client));
  }
  /* Last, so a failure above never leaves an app without its client. */
  for (const id of staleClients(state, existing)) {
    await io.pocketId({ method: "DELETE", path: `${CLIENTS}/${id}` });
    io.log(`client ${id}: deleted (no longer declared)`);
  }
};

/** Where the kubelet mounts the pod's ServiceAccount token and the cluster's CA. */
const ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

const main = async ([desiredPath, keyPath]: string[]): Promise<number> => {
  const log = (line: string) => console.log(`oidc-clients: ${line}`);
  try {
    const state = JSON.parse(await Bun.file(desiredPath ?? "").text()) as DesiredState;
    const key = (await Bun.file(keyPath ?? "").text()).trim();
    const token = (await Bun.file(`${ACCOUNT}/token`).text()).trim();
    const ca = await Bun.file(`${ACCOUNT}/ca.crt`).text();
    const io: Io = {
      pocketId: caller(state.pocketIdUrl, { "X-API-Key": key }),
      kube: caller("https://kubernetes.default.svc", { Authorization: `Bearer ${token}` }, { ca }),
      log,
    };
    await waitForPocketId(io.pocketId, log);
    await reconcile(io, state);
    log(`done: ${state.clients.length} client(s), ${state.groups.length} group(s) declared`);
    return 0;
  } catch (error) {
    log(`FAILED: ${messageOf(error)}`);
    for (const line of FAILURE_HELP) log(line);
    return 1;
  }
};

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
