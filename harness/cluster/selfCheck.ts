/**
 * `verify:cluster --self-check`: objects the real server must refuse, applied next to the render.
 * The run passes only if each is named among the problems, proving the checks can fail.
 */
import { CONTROL_PLANE_TOLERATION } from "../../lib/k8s/talos.ts";
import type { LayerManifests, ManifestObject } from "./manifests.ts";
import { type LayerReport, layerProblems } from "./report.ts";

export const SELF_CHECK_NAMESPACE = "verify-self-check";

const labels = { "app.kubernetes.io/name": "self-check" };

const deployment = (name: string, podSpec: Record<string, unknown>, selector = labels): ManifestObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: SELF_CHECK_NAMESPACE },
  spec: {
    replicas: 1,
    selector: { matchLabels: selector },
    template: { metadata: { labels }, spec: podSpec },
  },
});

const container = (securityContext?: Record<string, unknown>) => ({
  name: "app",
  image: "registry.example/app:1.0",
  ...(securityContext ? { securityContext } : {}),
});

export interface Expectation {
  object: ManifestObject;
  /** The problem line must contain this object's name and this text. */
  says: string;
}

/** Each broken object with the words the server's refusal must contain. */
export const selfCheckObjects = (): { namespace: ManifestObject; expectations: Expectation[] } => ({
  // No Pod Security labels: the cluster default (enforce baseline) applies.
  namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: SELF_CHECK_NAMESPACE } },
  expectations: [
    {
      object: deployment(
        "selector-misses-template",
        { containers: [container()] },
        { "app.kubernetes.io/name": "other" },
      ),
      says: "`selector` does not match template `labels`",
    },
    {
      object: deployment("privileged-in-baseline", {
        containers: [container({ privileged: true })],
        tolerations: [CONTROL_PLANE_TOLERATION],
      }),
      says: 'violates PodSecurity "baseline:latest"',
    },
    {
      object: deployment("no-control-plane-toleration", { containers: [container()] }),
      says: "untolerated taint",
    },
    {
      object: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "names-a-missing-volume", namespace: SELF_CHECK_NAMESPACE },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "",
          volumeName: "no-such-volume",
          resources: { requests: { storage: "1Gi" } },
        },
      },
      says: "did not bind",
    },
  ],
});

/** Expectations no problem line meets: each is a check that failed to fail. */
export const unmetExpectations = (
  expectations: readonly Expectation[],
  problems: readonly string[],
): Expectation[] =>
  expectations.filter(({ object, says }) => {
    const name = `${SELF_CHECK_NAMESPACE}/${object.metadata.name}`;
    return !problems.some((problem) => problem.includes(name) && problem.includes(says));
  });

export const SELF_CHECK_LAYER = "self-check";

/** The broken objects as one more layer, applied after the render's. */
export const selfCheckLayer = (): LayerManifests => {
  const { namespace, expectations } = selfCheckObjects();
  return {
    layer: SELF_CHECK_LAYER,
    manifests: [namespace, ...expectations.map(({ object }) => object)].map((object) => ({
      id: object.metadata.name,
      after: [],
      object,
    })),
  };
};

/** The self-check's section of the output, and whether every broken object was reported. */
export const selfCheckVerdict = (report: LayerReport): { lines: string[]; passed: boolean } => {
  const { expectations } = selfCheckObjects();
  const problems = layerProblems(report);
  const unmet = unmetExpectations(expectations, problems);
  return {
    passed: unmet.length === 0,
    lines: [
      `Self-check: ${expectations.length} broken objects in namespace ${SELF_CHECK_NAMESPACE}, refused as they must be:`,
      ...problems.map((problem) => `  - ${problem}`),
      unmet.length === 0
        ? "Self-check passed: each broken object is named with the server's refusal."
        : `Self-check FAILED, not reported: ${unmet.map(({ object, says }) => `${object.kind} ${object.metadata.name} (${says})`).join("; ")}`,
    ],
  };
};
