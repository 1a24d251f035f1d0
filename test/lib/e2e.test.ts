/** End-to-end mode (lib/e2e.ts): off unless its variable is set; what it changes when it is on. */
import { describe, expect, test } from "bun:test";
import { runContextOf } from "../../lib/core/layer.ts";
import {
  chartSource,
  E2E_CHARTS_ENV,
  e2eChartsDir,
  modeLine,
  NOT_AWAITED,
  withSkipAwait,
} from "../../lib/e2e.ts";
import { PULUMI_REPLACE_UNREADY, PULUMI_SKIP_AWAIT } from "../../lib/k8s/annotations.ts";
import { charts as networkCharts } from "../../lib/layers/network/versions.ts";

const ON = { [E2E_CHARTS_ENV]: "/tmp/charts" };

describe("the switch", () => {
  test("off without the variable (a real deploy), and with it empty", () => {
    expect(e2eChartsDir({})).toBeUndefined();
    expect(e2eChartsDir({ [E2E_CHARTS_ENV]: "" })).toBeUndefined();
    expect(modeLine(e2eChartsDir({}))).toStartWith("Mode: real deploy");
    expect(modeLine(e2eChartsDir(ON))).toStartWith("Mode: END-TO-END TEST");
    // The run context carries the mode down from the environment of the command or program.
    expect(runContextOf(ON, new Date("2031-06-01T00:00:00Z"))).toEqual({
      year: 2031,
      standInCharts: "/tmp/charts",
    });
    expect(runContextOf({}, new Date("2031-06-01T00:00:00Z"))).toEqual({ year: 2031 });
  });

  test("releases install the pinned chart from its repository, or the stand-in folder", () => {
    expect(chartSource(networkCharts.metallb, undefined)).toEqual({
      chart: "metallb",
      version: "0.16.1",
      repositoryOpts: { repo: "https://metallb.github.io/metallb" },
    });
    expect(chartSource(networkCharts.certManager, "/tmp/charts")).toEqual({
      chart: "/tmp/charts/cert-manager-v1.21.1",
    });
  });
});

describe("skipAwait transform", () => {
  test("workloads, Services and Ingresses get the annotation, keeping theirs", () => {
    for (const type of NOT_AWAITED) {
      const marked = withSkipAwait(type, { metadata: { name: "x", annotations: { keep: "me" } }, spec: {} });
      expect(marked?.metadata).toEqual({
        name: "x",
        annotations: { keep: "me", [PULUMI_SKIP_AWAIT]: "true" },
      });
    }
  });

  test("a Job loses replaceUnready: no pod completes it, so a second preview would replace it", () => {
    const marked = withSkipAwait("kubernetes:batch/v1:Job", {
      metadata: { name: "gate", annotations: { [PULUMI_REPLACE_UNREADY]: "true", keep: "me" } },
    });
    expect(marked?.metadata).toEqual({
      name: "gate",
      annotations: { keep: "me", [PULUMI_SKIP_AWAIT]: "true" },
    });
  });

  test("claims, Secrets, CRDs and custom resources are awaited as on a real cluster", () => {
    for (const type of [
      "kubernetes:core/v1:PersistentVolumeClaim",
      "kubernetes:core/v1:Secret",
      "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
      "kubernetes:cert-manager.io/v1:ClusterIssuer",
      "kubernetes:helm.sh/v4:Chart",
    ]) {
      expect(withSkipAwait(type, { metadata: {} })).toBeUndefined();
    }
  });
});
