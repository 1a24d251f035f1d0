/** withProbes: an HTTP path or a command, never both. */
import { type AppRule, inApp, when } from "./rule.ts";

export const probesRule: AppRule = (spec) => {
  if (spec.probes === undefined) return [];
  const { path, command } = spec.probes;
  return [
    ...when((path === undefined) === (command === undefined), () =>
      inApp(
        spec,
        "withProbes",
        "needs exactly one of path and command",
        'write withProbes({ path: "/healthz" }) or withProbes({ command: [...] })',
      ),
    ),
    ...when(path !== undefined && !path.startsWith("/"), () =>
      inApp(spec, "withProbes", `path ${JSON.stringify(path)} does not start with /`, `write /${path}`),
    ),
    ...when(path !== undefined && spec.port === undefined, () =>
      inApp(
        spec,
        "withProbes",
        "an HTTP probe needs the app's port",
        "give app() a port, or probe with a command",
      ),
    ),
  ];
};
