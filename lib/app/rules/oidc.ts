/** withOidc, and the Pocket ID groups withAuth and withOidc name (the deploy creates them). */
import { GROUP_NAME_RULE, isGroupName } from "../../oidc/groups.ts";
import { duplicates } from "../predicates.ts";
import { type AppRule, inApp, when } from "./rule.ts";

/** A path Pocket ID stores as a plain callback: no wildcard (`*` is one), query, fragment or space. */
const isCallbackPath = (path: string): boolean => /^\/[^\s*?#]*$/.test(path);

export const oidcRule: AppRule = (spec) => {
  const oidc = spec.oidc;
  if (oidc === undefined) return [];
  return [
    ...when(spec.exposures.length === 0, () =>
      inApp(
        spec,
        "withOidc",
        "the app has no ingress: its callback URL would have no host",
        "add withPrivateIngress() or withPublicIngress()",
      ),
    ),
    ...when(!isCallbackPath(oidc.callbackPath), () =>
      inApp(
        spec,
        "withOidc",
        `callbackPath ${JSON.stringify(oidc.callbackPath)} is not a plain path`,
        "write the path the app receives the login on, starting with /, e.g. /oauth2/oidc/callback",
      ),
    ),
  ];
};

export const groupNamesRule: AppRule = (spec) =>
  [
    { part: "withAuth", groups: spec.auth?.groups ?? [] },
    { part: "withOidc", groups: spec.oidc?.groups ?? [] },
  ].flatMap(({ part, groups }) => [
    // Empty entries and commas or spaces are withAuth's own list rule (auth.ts).
    ...groups
      .filter((group) => !isGroupName(group) && (part === "withOidc" || !/^$|[,\s]/.test(group.trim())))
      .map((group) =>
        inApp(
          spec,
          part,
          `group ${JSON.stringify(group)} is not a Pocket ID group name`,
          `use ${GROUP_NAME_RULE}`,
        ),
      ),
    ...(part === "withOidc"
      ? duplicates(groups).map((dup) => inApp(spec, part, `groups lists ${dup} twice`, "list it once"))
      : []),
  ]);
