/** What a change of one field makes a deploy do (lib/guard/rules.ts), for kinds that hold no data too. */
import { expect, test } from "bun:test";
import { fieldChangeAction } from "../../../lib/guard/rules.ts";

test("a Secret's or ConfigMap's content is replaced, as pulumi-kubernetes does by default; labels and a Deployment's image update in place", () => {
  const secret = { kind: "Secret", apiVersion: "v1" };
  const configMap = { kind: "ConfigMap", apiVersion: "v1" };
  expect(fieldChangeAction(secret, "data.static-api-key")).toBe("replace");
  expect(fieldChangeAction(secret, "stringData.password")).toBe("replace");
  expect(fieldChangeAction(configMap, "data.desired.json")).toBe("replace");
  expect(fieldChangeAction(configMap, "metadata.labels.app")).toBe("update");
  expect(
    fieldChangeAction({ kind: "Deployment", apiVersion: "apps/v1" }, "spec.template.spec.containers.0.image"),
  ).toBe("update");
  expect(fieldChangeAction({ kind: "Job", apiVersion: "batch/v1" }, "spec.parallelism")).toBe("replace");
  // Another API's kind of the same name is not the core one.
  expect(fieldChangeAction({ kind: "ConfigMap", apiVersion: "example.io/v1" }, "data.x")).toBe("update");
});
