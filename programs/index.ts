/** Every layer program, by layer; the render runs them in deploy order. */
import type { Programs } from "../lib/render/render.ts";
import { appsProgram } from "./apps/program.ts";
import { authProgram } from "./auth/program.ts";
import { networkProgram } from "./network/program.ts";
import { storageProgram } from "./storage/program.ts";

export const programs: Programs = {
  network: networkProgram,
  storage: storageProgram,
  auth: authProgram,
  apps: appsProgram,
};
