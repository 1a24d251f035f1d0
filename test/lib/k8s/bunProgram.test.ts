/** A Bun program in a ConfigMap: its files verbatim, and the pod that runs them. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUN_IMAGE, bunProgramPod, programFiles } from "../../../lib/k8s/bunProgram.ts";
import { ROOT } from "../../support/render.ts";

describe("a Bun program run from a ConfigMap", () => {
  test("Bun's image is the Bun this project runs on", () => {
    const manager = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { packageManager: string }
    ).packageManager;
    expect(BUN_IMAGE).toBe(`docker.io/oven/bun:${manager.replace("bun@", "")}-alpine`);
  });

  test("the files are read verbatim, by name", () => {
    const files = programFiles(new URL("../../../lib/layers/storage/pruner/", import.meta.url), [
      "retention.ts",
    ]);
    expect(files).toEqual({
      "retention.ts": readFileSync(join(ROOT, "lib/layers/storage/pruner/retention.ts"), "utf8"),
    });
  });

  test("the pod runs `bun /<folder>/<entry>` read-only as Bun's user, its inputs mounted read-only", () => {
    const pod = bunProgramPod({
      name: "job",
      container: "run",
      folder: "program",
      entry: "main.ts",
      args: ["/input/key", "7"],
      inputs: [{ name: "input", mountPath: "/input", source: { secret: { secretName: "s" } } }],
    }).spec as unknown as {
      serviceAccountName: string;
      securityContext: Record<string, unknown>;
      containers: { image: string; command: string[]; volumeMounts: unknown[]; securityContext: unknown }[];
      volumes: unknown[];
    };
    const [container] = pod.containers;
    expect(container?.image).toBe(BUN_IMAGE);
    expect(container?.command).toEqual(["bun", "/program/main.ts", "/input/key", "7"]);
    expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
    expect(pod.serviceAccountName).toBe("job");
    expect(container?.volumeMounts).toEqual([
      { name: "program", mountPath: "/program", readOnly: true },
      { name: "input", mountPath: "/input", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ]);
    expect(pod.volumes).toEqual([
      { name: "program", configMap: { name: "job" } },
      { name: "input", secret: { secretName: "s" } },
      { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
    ]);
  });
});
