/** withConfigFile: files mounted from the app's ConfigMap. */
import { duplicates, SECRET_KEY, systemPathProblem } from "../predicates.ts";
import { type AppRule, inApp, when } from "./rule.ts";

const baseName = (path: string): string => path.split("/").pop() ?? "";

export const configFilesRule: AppRule = (spec) => [
  // The file name is the ConfigMap key: two files of one name would share it.
  ...duplicates(spec.configFiles.map((file) => baseName(file.path))).map((dup) =>
    inApp(
      spec,
      `withConfigFile ${dup}`,
      "two config files share this file name",
      "give config files distinct file names",
    ),
  ),
  ...spec.configFiles.flatMap((file) => {
    const base = baseName(file.path);
    const system = systemPathProblem(file.path);
    return [
      ...when(!file.path.startsWith("/") || base === "" || !SECRET_KEY.test(base), () =>
        inApp(
          spec,
          `withConfigFile ${file.path}`,
          "is not an absolute file path with a plain file name",
          "write e.g. /etc/app/config.yaml",
        ),
      ),
      ...when(system !== undefined, () =>
        inApp(
          spec,
          `withConfigFile ${file.path}`,
          system ?? "",
          "mount it at a path of the app's own, e.g. /config/app.yaml",
        ),
      ),
    ];
  }),
];
