import {
  app,
  pipe,
  withAuth,
  withNfsVolume,
  withPrivateIngress,
  withProbes,
} from "../../../lib/app/index.ts";

export default pipe(
  app("demo", { image: "traefik/whoami:v1.11.0", port: 8080, args: ["--port=8080"] }),
  withNfsVolume({ name: "data", folder: "demo", mountPath: "/data" }),
  withPrivateIngress(),
  // Only members of the Pocket ID group "family" get through Tinyauth; the deploy creates the group.
  withAuth({ groups: ["family"] }),
  withProbes({ path: "/health" }),
);
