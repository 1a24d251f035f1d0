/**
 * App secrets live in the apps stack's config under one secret key, `app_secrets`, a map of
 * app name to secret name to value:
 *
 *   pulumi config set --secret --path 'app_secrets.miniflux.admin_password' '<value>'
 *
 * Each value stays a `Secret` until the Pulumi edge wraps it in `pulumi.secret`.
 */
import { err, ok, type Result } from "neverthrow";
import { ENCRYPTED, type KeySchema, type RawValue } from "../config/schema.ts";
import { type Secret, secret } from "../config/secret.ts";
import { type Problem, problem, type Unplaced } from "../core/problem.ts";

export type AppSecretValues = Readonly<Record<string, Readonly<Record<string, Secret>>>>;

/** `known: false` when the whole key is encrypted and read offline: its names are not visible here. */
export type AppSecrets =
  | { readonly known: false }
  | { readonly known: true; readonly values: AppSecretValues };

export const NO_APP_SECRETS: AppSecrets = { known: true, values: {} };

const setSecretCommand = (app: string, key: string): string =>
  `pulumi config set --secret --path 'app_secrets.${app}.${key}' '<value>'`;

const isEncryptedLeaf = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "secure" in value;

const shapeProblem: Unplaced = {
  what: "is not a map of app name to secret name to value",
  fix: "set values one by one: pulumi config set --secret --path 'app_secrets.<app>.<name>' '<value>'",
};

export const parseAppSecrets = (raw: RawValue): Result<AppSecrets, Unplaced> => {
  if (raw === ENCRYPTED) return ok({ known: false });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return err(shapeProblem);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return err(shapeProblem);
  const values: Record<string, Record<string, Secret>> = {};
  for (const [app, entries] of Object.entries(parsed)) {
    if (typeof entries !== "object" || entries === null || Array.isArray(entries)) return err(shapeProblem);
    values[app] = {};
    for (const [key, value] of Object.entries(entries)) {
      if (isEncryptedLeaf(value)) (values[app] as Record<string, Secret>)[key] = secret("", false);
      else if (typeof value === "string" && value !== "")
        (values[app] as Record<string, Secret>)[key] = secret(value);
      else
        return err({
          what: `has a value for ${app}.${key} that is not a non-empty string`,
          fix: shapeProblem.fix,
        });
    }
  }
  return ok({ known: true, values });
};

export const appSecretsKey: KeySchema<AppSecrets> = {
  doc: "Secret values apps read with withSecretEnv, as app name -> secret name -> value",
  type: "map of secrets",
  example: "{miniflux: {admin_password: ...}}",
  secret: true,
  required: false,
  defaultText: "unset (no app secrets)",
  parse: parseAppSecrets,
  absent: () => NO_APP_SECRETS,
};

/**
 * The secret an app asks for; a problem (placed at the app, with the command to set it) when the
 * `layer` stack config lacks it.
 */
export const lookupSecret = (
  secrets: AppSecrets,
  app: string,
  key: string,
  layer = "apps",
): Result<Secret, Problem> => {
  if (!secrets.known) return ok(secret("", false));
  const value = secrets.values[app]?.[key];
  return value === undefined
    ? err(
        problem(
          { app },
          `the ${layer} stack config has no secret app_secrets.${app}.${key}`,
          `set it: ${setSecretCommand(app, key)}`,
        ),
      )
    : ok(value);
};

/** Secrets in config that no app asks for: almost always a typo in an app or key name. */
export const unusedSecrets = (
  secrets: AppSecrets,
  used: ReadonlyArray<{ app: string; key: string }>,
): { app: string; key: string }[] => {
  if (!secrets.known) return [];
  const wanted = new Set(used.map(({ app, key }) => `${app}\0${key}`));
  return Object.entries(secrets.values).flatMap(([app, entries]) =>
    Object.keys(entries)
      .filter((key) => !wanted.has(`${app}\0${key}`))
      .map((key) => ({ app, key })),
  );
};
