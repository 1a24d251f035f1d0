/** Environment variables: withEnv, withSecretEnv and the variables withPostgres sets. */

import { oidcEnvNames } from "../oidc.ts";
import { credentialIn, duplicates, ENV_NAME, looksSecret, SECRET_KEY } from "../predicates.ts";
import type { AppSpec } from "../spec.ts";
import { type AppRule, inApp, when } from "./rule.ts";

const allEnvNames = (spec: AppSpec): string[] => [
  ...spec.env.map((e) => e.name),
  ...spec.secretEnv.map((e) => e.name),
  ...Object.values(spec.postgres?.env ?? {}).filter((v): v is string => v !== undefined),
  ...oidcEnvNames(spec),
];

export const envNamesRule: AppRule = (spec) => {
  const names = allEnvNames(spec);
  return [
    ...duplicates(names).map((dup) =>
      inApp(
        spec,
        `env ${dup}`,
        "is set more than once (withEnv, withSecretEnv, withPostgres or withOidc)",
        "set each variable once",
      ),
    ),
    ...names
      .filter((name) => !ENV_NAME.test(name))
      .map((name) =>
        inApp(
          spec,
          `env ${name}`,
          "is not a valid variable name",
          "use letters, digits and underscores, e.g. DATABASE_URL",
        ),
      ),
  ];
};

const secretFix = (spec: AppSpec, name: string): string => {
  const key = name.toLowerCase();
  return `use withSecretEnv({ ${name}: "${key}" }) and set the value: pulumi config set --secret --path 'app_secrets.${spec.name}.${key}' '<value>'`;
};

/**
 * A plain variable whose name says it holds a secret, or whose value carries a credential (a
 * password in a URL, an authorization header, a private key, a token), belongs in withSecretEnv.
 * The value is never repeated in the problem.
 */
export const plainSecretRule: AppRule = (spec) =>
  spec.env.flatMap((variable) => {
    if (looksSecret(variable.name))
      return [
        inApp(
          spec,
          `withEnv ${variable.name}`,
          "looks like a secret, and withEnv values are plain text in the Deployment",
          secretFix(spec, variable.name),
        ),
      ];
    const credential = typeof variable.value === "string" ? credentialIn(variable.value) : undefined;
    return when(credential !== undefined, () =>
      inApp(
        spec,
        `withEnv ${variable.name}`,
        `its value carries ${credential}, and withEnv values are plain text in the Deployment and in git`,
        `${secretFix(spec, variable.name)} (the whole value), and change that credential: it is in the file's history`,
      ),
    );
  });

export const secretKeysRule: AppRule = (spec) =>
  spec.secretEnv.flatMap((variable) =>
    when(!SECRET_KEY.test(variable.key), () =>
      inApp(
        spec,
        `withSecretEnv ${variable.name}`,
        `config key ${JSON.stringify(variable.key)} is not a valid secret key`,
        "use letters, digits, dashes, dots and underscores, e.g. admin_password",
      ),
    ),
  );
