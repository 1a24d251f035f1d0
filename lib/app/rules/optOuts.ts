/** The named opt-outs of secure defaults (allowRunAsRoot, addCapabilities), and builders applied twice. */
import { CAPABILITY } from "../predicates.ts";
import { type AppRule, inApp, when } from "./rule.ts";

export const runAsRootRule: AppRule = (spec) =>
  when(spec.runAsRoot !== undefined && spec.runAsRoot.trim() === "", () =>
    inApp(
      spec,
      "allowRunAsRoot",
      "gives no reason",
      'say why: allowRunAsRoot("image chowns /config at start")',
    ),
  );

export const capabilitiesRule: AppRule = (spec) => {
  if (spec.capabilities === undefined) return [];
  return [
    ...when(spec.capabilities.reason.trim() === "", () =>
      inApp(
        spec,
        "addCapabilities",
        "gives no reason",
        'say why: addCapabilities(["NET_BIND_SERVICE"], "binds port 53")',
      ),
    ),
    ...spec.capabilities.add
      .filter(
        (capability) => !CAPABILITY.test(capability) || capability === "ALL" || capability.startsWith("CAP_"),
      )
      .map((capability) =>
        inApp(
          spec,
          "addCapabilities",
          `${JSON.stringify(capability)} is not a single capability name`,
          "write names like NET_BIND_SERVICE (no CAP_ prefix, not ALL)",
        ),
      ),
  ];
};

/** Builders that refuse a second application record it in the spec; each is a problem here. */
export const conflictsRule: AppRule = (spec) =>
  spec.conflicts.map((conflict) =>
    inApp(spec, conflict.split(" ")[0] ?? "builder", conflict, "apply it once with all its options"),
  );
