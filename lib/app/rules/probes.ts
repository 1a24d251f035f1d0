/** withProbes: exactly one check (an HTTP path, a command or a TCP port); a readiness command that runs. */
import { type AppRule, inApp, when } from "./rule.ts";

export const probesRule: AppRule = (spec) => {
  if (spec.probes === undefined) return [];
  const { path, command, tcpPort, readyCommand } = spec.probes;
  return [
    ...when(readyCommand !== undefined && readyCommand.length === 0, () =>
      inApp(
        spec,
        "withProbes",
        "readyCommand is empty",
        'give the command and its arguments, e.g. ["sh", "-c", "..."]',
      ),
    ),
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
