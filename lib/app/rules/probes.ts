/** withProbes: exactly one check (an HTTP path, a command or a TCP port). */
import { type AppRule, inApp, when } from "./rule.ts";

export const probesRule: AppRule = (spec) => {
  if (spec.probes === undefined) return [];
  const { path, command, tcpPort } = spec.probes;
  return [
    ...when([path, command, tcpPort].filter((check) => check !== undefined).length !== 1, () =>
      inApp(
        spec,
        "withProbes",
        "needs exactly one of path, command and tcpPort",
        'write withProbes({ path: "/healthz" }), withProbes({ command: [...] }) or withProbes({ tcpPort: "dns-tcp" })',
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
