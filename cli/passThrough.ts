/**
 * What `bun run deploy:<layer> -- <pulumi args>` may hand Pulumi. The wrapper validated one stack's
 * config for the layer's project; arguments after `--` must not change the stack, the project, the
 * config or the program, so those are refused with the fix (pulumi/pulumi pkg/cmd/pulumi for the
 * flags: operations/up.go, preview.go, destroy.go, the global flags in pulumi.go, deployment/remote.go).
 */

/**
 * Pulumi's options that take the next word as their value when written without `=` (pulumi/pulumi
 * pkg/cmd/pulumi: operations/up.go, preview.go, destroy.go, the global flags in pulumi.go and
 * deployment/remote.go). `--refresh`, `--suppress-permalink` and `--attach-debugger` have a default
 * when bare, so they take no next word.
 */
const VALUE_OPTIONS = new Set([
  "stack",
  "cwd",
  "config",
  "config-file",
  "client",
  "message",
  "target",
  "exclude",
  "replace",
  "target-replace",
  "policy-pack",
  "policy-pack-config",
  "parallel",
  "event-log",
  "exec-agent",
  "exec-kind",
  "plan",
  "secrets-provider",
  "import-file",
  "output",
  "save-plan",
  "color",
  "memprofilerate",
  "verbose",
  "otel-traces",
  "profiling",
  "tracing",
  "tracing-header",
  "env",
  "env-secret",
  "pre-run-command",
  "agent-pool-id",
  "executor-image",
  "executor-image-password",
  "executor-image-username",
  "git-auth-access-token",
  "git-auth-password",
  "git-auth-ssh-private-key",
  "git-auth-ssh-private-key-path",
  "git-auth-username",
  "git-branch",
  "git-commit",
  "git-repo-dir",
]);
/** The one-letter forms of value options (`-s home`, `-shome`, `-s=home`). */
const SHORT_VALUE: Readonly<Record<string, string>> = {
  s: "stack",
  C: "cwd",
  c: "config",
  m: "message",
  t: "target",
  x: "exclude",
  p: "parallel",
  v: "verbose",
};

/**
 * What may not follow `--`: it would change the stack, the project, the config or the program
 * Pulumi runs, none of which the wrapper validated. Each with why, and the fix.
 */
const refusedAfterSeparator = (bare: string, shown: string, script: string): string | undefined => {
  const fix = {
    stack: `it would hand Pulumi a second stack that was not validated; put --stack before --: bun run ${script} --stack <name>`,
    project: `the wrapper runs each layer in its own project, programs/<layer>; use --stack before -- to choose the stack, or run pulumi yourself in that folder`,
    config: `the wrapper validates config/<layer>/Pulumi.<stack>.yaml and nothing else; set the value in that file (pulumi config set), then bun run validate`,
    program: "it would run another program than programs/<layer>, which the wrapper did not check",
  };
  const why =
    bare === "stack"
      ? fix.stack
      : bare === "cwd"
        ? fix.project
        : ["config", "config-file", "config-path"].includes(bare)
          ? fix.config
          : ["client", "exec-kind", "exec-agent", "remote"].includes(bare) ||
              bare.startsWith("remote-") ||
              bare.startsWith("git-")
            ? fix.program
            : undefined;
  return why && `${shown} after -- is refused: ${why}`;
};

/**
 * The first argument after `--` that is refused (see refusedAfterSeparator), or a word that is no
 * option's value: `pulumi up <template|url>` deploys another program, and preview and destroy
 * take no word at all.
 */
export const passThroughProblem = (args: readonly string[], script: string): string | undefined => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith("--") && arg.length > 2) {
      const [name = "", value] = arg.slice(2).split("=", 2);
      const refused = refusedAfterSeparator(name, `--${name}`, script);
      if (refused) return refused;
      if (value === undefined && VALUE_OPTIONS.has(name)) i++;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1 && arg !== "--") {
      const letters = arg.slice(1).split("=")[0] ?? "";
      for (const [at, letter] of [...letters].entries()) {
        const long = SHORT_VALUE[letter];
        const refused = long && refusedAfterSeparator(long, `-${letter} (--${long})`, script);
        if (refused) return refused;
        if (long) {
          if (at === letters.length - 1 && !arg.includes("=")) i++;
          break;
        }
      }
      continue;
    }
    return `${JSON.stringify(arg)} after -- is refused: Pulumi would read it as a template or program to run (pulumi up <template|url>); give Pulumi only options, with their values (--target=<urn>)`;
  }
  return undefined;
};
