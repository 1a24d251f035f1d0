/** The OIDC client step's objects: what the Job runs, what it may touch, and when it runs again. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlannedObject } from "../../../lib/core/plan.ts";
import { BUN_IMAGE } from "../../../lib/k8s/bunProgram.ts";
import {
  type DesiredClient,
  desiredState,
  type OidcStepOptions,
  oidcClientStep,
  readersWaitFor,
  STATE_FILE,
  stepJobName,
  stepSummary,
} from "../../../lib/oidc/reconcile.ts";
import { ROOT } from "../../support/render.ts";

const miniflux: DesiredClient = {
  id: "homelab-apps-miniflux",
  name: "miniflux",
  callbackUrls: ["https://rss.example.com/oauth2/oidc/callback"],
  launchUrl: "https://rss.example.com",
  groups: [],
  secret: { namespace: "miniflux", name: "miniflux-oidc" },
};

const options = (changes: Partial<OidcStepOptions> = {}): OidcStepOptions => ({
  layer: "apps",
  namespace: "pocket-id",
  pocketIdUrl: "http://pocket-id.pocket-id.svc.cluster.local:80",
  apiKeySecret: "pocket-id-secrets",
  groups: [{ name: "family", friendlyName: "family" }],
  clients: [miniflux],
  after: [],
  ...changes,
});

/** The fields these tests read, of any of the step's kinds. */
interface Seen {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  rules?: unknown;
  subjects?: unknown;
  spec: {
    activeDeadlineSeconds: number;
    template: {
      spec: {
        serviceAccountName: string;
        volumes: unknown[];
        containers: { image: string; command: string[]; env?: unknown; securityContext: unknown }[];
      };
    };
  };
}

const one = (objects: PlannedObject[], kind: string): Seen => {
  const found = objects.filter((item) => item.object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]?.object as unknown as Seen;
};

describe("the OIDC client step", () => {
  const step = oidcClientStep(options());

  test("the ConfigMap ships the program's two files verbatim and the declared state", () => {
    const data = one(step.objects, "ConfigMap").data as Record<string, string>;
    for (const file of ["step.ts", "pocketId.ts"])
      expect(data[file]).toBe(readFileSync(join(ROOT, "lib/oidc/script", file), "utf8"));
    expect(JSON.parse(data[STATE_FILE] ?? "")).toEqual(desiredState(options()));
  });

  test("the Job runs the program with Bun, read-only, non-root, the API key as a file", () => {
    const job = one(step.objects, "Job");
    expect(job.metadata.annotations).toEqual({
      "pulumi.com/replaceUnready": "true",
      "pulumi.com/timeoutSeconds": "360",
    });
    expect(job.spec.activeDeadlineSeconds).toBeLessThan(360);
    const pod = job.spec.template.spec;
    const container = pod.containers[0];
    expect(container?.image).toBe(BUN_IMAGE);
    expect(container?.command).toEqual([
      "bun",
      "/step/step.ts",
      "/step/desired.json",
      "/api-key/static-api-key",
    ]);
    expect(container?.env).toBeUndefined();
    expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.serviceAccountName).toBe("oidc-clients-apps");
    expect(pod.volumes).toContainEqual({
      name: "api-key",
      secret: { secretName: "pocket-id-secrets", items: [{ key: "static-api-key", path: "static-api-key" }] },
    });
  });

  test("its Role may create Secrets in the app's namespace, and read or replace only the declared one", () => {
    const role = one(step.objects, "Role");
    expect(role.metadata.namespace).toBe("miniflux");
    expect(role.rules).toEqual([
      { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"], resourceNames: ["miniflux-oidc"] },
    ]);
    expect(one(step.objects, "RoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "oidc-clients-apps", namespace: "pocket-id" },
    ]);
  });

  test("the Job's name changes with what is declared, so a deploy runs it again; else it stays", () => {
    const name = stepJobName("apps", desiredState(options()));
    expect(one(step.objects, "Job").metadata.name).toBe(name);
    expect(stepJobName("apps", desiredState(options()))).toBe(name);
    expect(stepJobName("apps", desiredState(options({ groups: [] })))).not.toBe(name);
    const moved = { ...miniflux, callbackUrls: ["https://news.example.com/oauth2/oidc/callback"] };
    expect(stepJobName("apps", desiredState(options({ clients: [moved] })))).not.toBe(name);
    expect(name).toMatch(/^oidc-clients-apps-[0-9a-f]{10}$/);
  });

  test("a Deployment reading a client's Secret waits for the Job; others do not", () => {
    const deployment = (namespace: string, secret: string): PlannedObject => ({
      id: `deployment/${namespace}/app`,
      after: [],
      object: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "app", namespace },
        spec: {
          selector: {},
          template: {
            spec: {
              containers: [
                {
                  name: "app",
                  env: [{ name: "X", valueFrom: { secretKeyRef: { name: secret, key: "k" } } }],
                },
              ],
            },
          },
        },
      },
    });
    const [reader, other] = readersWaitFor(
      [deployment("miniflux", "miniflux-oidc"), deployment("miniflux", "miniflux-secrets")],
      step,
      [miniflux],
    );
    expect(reader?.after).toEqual([step.job]);
    expect(other?.after).toEqual([]);
  });

  test("the summary names the Job, each client with its callbacks and Secret, and the groups", () => {
    expect(stepSummary(options())).toEqual([
      `OIDC clients, made on deploy by Job pocket-id/${stepJobName("apps", desiredState(options()))}:`,
      "  homelab-apps-miniflux: callback https://rss.example.com/oauth2/oidc/callback; every Pocket ID user; credentials in Secret miniflux/miniflux-oidc",
      "Pocket ID groups made by this layer (never deleted): family",
    ]);
  });
});
