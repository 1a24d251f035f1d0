/** App validation: the rules live in lib/app/rules/, one file per concern. */

export { validateApp } from "./rules/index.ts";
export { CONFIG_VOLUME } from "./rules/volumes.ts";
