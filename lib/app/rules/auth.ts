/** withAuth: something to protect, and who may pass. */
import { duplicates } from "../predicates.ts";
import { type AppRule, inApp, when } from "./rule.ts";

/** Entries that would split or vanish in Tinyauth's comma-separated lists. */
const commaUnsafe = (values: readonly string[]): string[] =>
  values.filter((value) => value.trim() === "" || /[,\s]/.test(value));

export const authTargetRule: AppRule = (spec) =>
  when(spec.auth !== undefined && spec.exposures.length === 0, () =>
    inApp(
      spec,
      "withAuth",
      "the app has no ingress to protect",
      "add withPrivateIngress() or withPublicIngress(), or drop withAuth",
    ),
  );

export const authListsRule: AppRule = (spec) => {
  if (spec.auth === undefined) return [];
  const { users, emails, groups } = spec.auth;
  return [
    ...when(users.length > 0 && emails.length === 0 && groups.length === 0, () =>
      inApp(
        spec,
        "withAuth",
        "users only restricts Tinyauth local users; every Pocket ID login would still get in",
        "also restrict Pocket ID logins with emails or groups",
      ),
    ),
    ...Object.entries({ users, emails, groups }).flatMap(([field, values]) => [
      ...commaUnsafe(values).map((bad) =>
        inApp(
          spec,
          "withAuth",
          `${field} entry ${JSON.stringify(bad)} is empty or contains a comma or space`,
          "list one name per entry",
        ),
      ),
      ...duplicates(values).map((dup) =>
        inApp(spec, "withAuth", `${field} lists ${dup} twice`, "list it once"),
      ),
    ]),
  ];
};
