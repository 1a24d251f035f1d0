/** The few command-line options the scripts share. */
export interface CliOptions {
  stack: string;
  out: string;
  flags: Set<string>;
  positional: string[];
}

/** The stack used when neither --stack nor HOMELAB_STACK names one. */
export const DEFAULT_STACK = "home";

export const parseArgs = (argv: readonly string[], defaults: { stack?: string } = {}): CliOptions => {
  const options: CliOptions = {
    stack: defaults.stack ?? process.env.HOMELAB_STACK ?? DEFAULT_STACK,
    out: "out",
    flags: new Set(),
    positional: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [name, inline] = arg.split("=", 2);
    const value = () => inline ?? argv[++i] ?? "";
    if (name === "--stack") options.stack = value();
    else if (name === "--out") options.out = value();
    else if (arg.startsWith("--")) options.flags.add(arg);
    else options.positional.push(arg);
  }
  return options;
};
