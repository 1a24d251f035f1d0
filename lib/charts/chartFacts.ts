/**
 * What a pinned chart does on a real deploy that its values do not show: which CRDs it installs
 * and how, which API groups its admission webhooks refuse until they serve, and where each of its
 * pods takes its tolerations. Recorded beside every pin (lib/layers/<layer>/versions.ts) from the chart's
 * own files (../shared/reference/crds/SOURCES.md, components.md §11); the preflight reads them.
 * Bumping a chart means checking these again.
 */

/** How a chart ships its CRDs, which decides what `skipCrds` does. */
export type CrdSource =
  /** The chart's `crds/` folder: every release installs them unless it sets `skipCrds`. */
  | { from: "crds/"; groups: readonly string[] }
  /** Templates behind a values switch: `skipCrds` does nothing, the switch does. */
  | {
      from: "templates";
      groups: readonly string[];
      switch?: { path: string; default: boolean };
      /**
       * The same CRD files as published in a Go module (`<folder>/*.yaml` of `path@version`), for
       * charts whose templates read them from a file only Helm can (`.Files.Get`): the test
       * harness takes them from the Go module proxy instead of the chart.
       */
      goModule?: { path: string; version: string; folder: string };
    };

/** Where one pod spec of the chart takes its tolerations from. */
export type TolerationSource =
  /** A values list of tolerations; `default` is the chart's own when the key is unset. */
  | { pods: string; list: string; default?: readonly Toleration[] }
  /** A values flag that makes the chart add the control-plane toleration itself. */
  | { pods: string; flag: string; default: boolean }
  /** Longhorn's `taintToleration` setting: `key[=value]:effect` entries separated by `;`. */
  | { pods: string; setting: string };

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** A validating webhook with failurePolicy Fail: objects of its groups are refused until it serves. */
interface WebhookFacts {
  groups: readonly string[];
  /** The chart's pods report ready only once the webhook serves: the release's own await is a gate. */
  readyMeansServing: boolean;
}

/** A StorageClass the chart creates, and the values switch that makes it the cluster default. */
interface StorageClassFacts {
  name: string;
  defaultSwitch?: { path: string; default: boolean };
}

export interface ChartFacts {
  crds?: CrdSource;
  webhook?: WebhookFacts;
  storageClasses?: readonly StorageClassFacts[];
  tolerations: readonly TolerationSource[];
}
