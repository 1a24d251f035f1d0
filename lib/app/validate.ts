/** App validation: the rules live in lib/app/rules/, one file per concern. */

export { MAX_APP_NAME } from "./rules/identity.ts";
export { APP_RULES, type AppRule, validateApp } from "./rules/index.ts";
export { CONFIG_VOLUME } from "./rules/volumes.ts";
