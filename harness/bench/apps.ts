/**
 * Generated app modules for the scaling benchmark: `count` valid apps that mix what real apps use
 * (NFS and Longhorn volumes, private and public ingresses behind auth, Postgres, secret env, config
 * files, probes), written with the real builders. Pure: returns file names and sources.
 */

export interface GeneratedApps {
  /** File name (`<app>.ts`) to module source. */
  files: Record<string, string>;
  /** The apps stack's `app_secrets` value the generated apps read (app -> key -> fake value). */
  appSecrets: Record<string, Record<string, string>>;
  /** How many apps use each feature, so the mix is visible in the report. */
  mix: { nfs: number; longhorn: number; private: number; public: number; postgres: number; secrets: number };
}

export const appName = (index: number): string => `bench-${String(index).padStart(4, "0")}`;

/** One app's module source; `lib` is the import specifier of lib/app/index.ts, the app vocabulary. */
const appSource = (index: number, lib: string): string => {
  const name = appName(index);
  const builders: string[] = [];
  const imports = new Set(["app", "pipe", "withProbes"]);
  const use = (builder: string, call: string) => {
    imports.add(builder);
    builders.push(call);
  };
  // Volumes: NFS on even apps, Longhorn on odd ones, both on every fifth.
  if (index % 2 === 0 || index % 5 === 0)
    use(
      "withNfsVolume",
      `withNfsVolume({ name: "media", path: "/volume1/media/${name}", mountPath: "/media", readOnly: ${index % 4 === 0} })`,
    );
  if (index % 2 === 1 || index % 5 === 0)
    use(
      "withLonghornVolume",
      `withLonghornVolume({ name: "data", mountPath: "/data", size: "${1 + (index % 9)}Gi" })`,
    );
  // Ingress: private on two apps of three, public on every third, both on every sixth; all behind auth.
  if (index % 3 !== 0) use("withPrivateIngress", "withPrivateIngress()");
  if (index % 3 === 0 || index % 6 === 1)
    use("withPublicIngress", `withPublicIngress({ subdomain: "${name}-pub" })`);
  use("withAuth", index % 4 === 0 ? `withAuth({ groups: ["family"] })` : "withAuth()");
  if (index % 4 === 2) use("withPostgres", `withPostgres({ size: "2Gi", database: "app" })`);
  use("withEnv", `withEnv({ TZ: "Australia/Brisbane", APP_INDEX: "${index}" })`);
  if (index % 5 === 3) use("withSecretEnv", `withSecretEnv({ ADMIN_PASSWORD: "admin_password" })`);
  if (index % 7 === 0)
    use("withConfigFile", `withConfigFile("/etc/${name}/config.yaml", "index: ${index}\\n")`);
  builders.push(`withProbes({ path: "/health" })`);
  return `import { ${[...imports].sort().join(", ")} } from ${JSON.stringify(lib)};

export default pipe(
  app("${name}", { image: "traefik/whoami:v1.11.0", port: 8080, user: 1000 }),
${builders.map((call) => `  ${call},`).join("\n")}
);
`;
};

export const generateApps = (count: number, lib: string): GeneratedApps => {
  const files: Record<string, string> = {};
  const appSecrets: Record<string, Record<string, string>> = {};
  const mix = { nfs: 0, longhorn: 0, private: 0, public: 0, postgres: 0, secrets: 0 };
  for (let index = 0; index < count; index++) {
    const source = appSource(index, lib);
    files[`${appName(index)}.ts`] = source;
    if (source.includes("withNfsVolume(")) mix.nfs++;
    if (source.includes("withLonghornVolume(")) mix.longhorn++;
    if (source.includes("withPrivateIngress(")) mix.private++;
    if (source.includes("withPublicIngress(")) mix.public++;
    if (source.includes("withPostgres(")) mix.postgres++;
    if (source.includes("withSecretEnv(")) {
      mix.secrets++;
      appSecrets[appName(index)] = { admin_password: `FAKE-${appName(index)}-password` };
    }
  }
  return { files, appSecrets, mix };
};
