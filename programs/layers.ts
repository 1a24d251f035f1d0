/**
 * The composition root: the four layers of a stack, in deploy order. The apps layer is made from
 * the app modules of programs/apps/apps/ (adding an app is adding a file there).
 */
import { join } from "node:path";
import { appsLayer } from "../lib/apps/layer.ts";
import { importApps } from "../lib/apps/plan.ts";
import { authLayer } from "../lib/auth/layer.ts";
import type { StackLayers } from "../lib/layer.ts";
import { networkLayer } from "../lib/network/layer.ts";
import { storageLayer } from "../lib/storage/layer.ts";

export const APPS_DIR = join(import.meta.dirname, "apps", "apps");

export const loadAppsLayer = async (dir = APPS_DIR) => appsLayer(await importApps(dir));

export const loadLayers = async (appsDir = APPS_DIR): Promise<StackLayers> => ({
  network: networkLayer,
  storage: storageLayer,
  auth: authLayer,
  apps: await loadAppsLayer(appsDir),
});
