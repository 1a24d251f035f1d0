/** What an app file imports: `import { app, pipe, withPrivateIngress, ... } from "../../../lib/apps/index.ts"`. */
export * from "../app/index.ts";
