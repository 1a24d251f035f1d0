/**
 * Import this before @pulumi/pulumi in any process that only renders (the render CLI, the
 * benchmark, the tests). @pulumi/pulumi eagerly loads two modules it needs only to serialize
 * JavaScript functions for cloud callbacks: @npmcli/arborist (runtime/closure/codePaths.js, the
 * larger cost) and `typescript` (runtime/closure/parseFunction.js; with TypeScript 7 installed this
 * resolves to a small version module, the 5.x compiler cost ~300 ms). The Bun runtime
 * cannot serialize functions and a render never does, so under Bun both become stubs that throw if
 * anything ever calls them. Under Node.js (`node --import tsx`) nothing changes. `pulumi up` never
 * loads this module.
 */
if (typeof Bun !== "undefined") {
  const unused = (module: string) => () => {
    throw new Error(`${module} is stubbed out for rendering (Pulumi needs it only to serialize functions)`);
  };
  Bun.plugin({
    name: "skip Pulumi's function-serialization dependencies",
    setup(build) {
      build.module("@npmcli/arborist", () => ({
        exports: { Arborist: unused("@npmcli/arborist") },
        loader: "object",
      }));
      build.module("typescript", () => ({
        exports: new Proxy(
          {},
          {
            get: (_target, key) =>
              typeof key === "symbol" || ["__esModule", "default", "then"].includes(key)
                ? undefined
                : unused(`typescript (${key})`)(),
          },
        ),
        loader: "object",
      }));
    },
  });
}
