/**
 * Checks of a stack file's values that only the file shows: `secure:` values that no Pulumi
 * secrets provider could have written (or that the file's key cannot decrypt), and list or map
 * leaves that YAML types, which Pulumi hands over typed instead of as the text written.
 */
import type { Layer } from "../core/layerNames.ts";
import { type Problem, problem } from "../core/problem.ts";

/** Bytes of standard base64 text (what Go's base64.StdEncoding decodes), or undefined when it is not that. */
const base64Bytes = (text: string): number | undefined =>
  text !== "" && /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)
    ? (text.length / 4) * 3 - (text.match(/=+$/)?.[0].length ?? 0)
    : undefined;

/** AES-GCM's tag alone is 16 bytes, so no ciphertext is shorter; its nonce is 12 bytes. */
const GCM_TAG_BYTES = 16;
const GCM_NONCE_BYTES = 12;

/**
 * Which provider could have written `text` as a `secure:` value, or undefined when none could.
 * pulumi/pulumi sdk/go/common/resource/config/crypt.go: the symmetric crypter (passphrase and
 * cloud KMS providers) writes `v1:<base64 nonce>:<base64 ciphertext>` and refuses anything else
 * ("bad value"); pkg/secrets/service/manager.go (Pulumi Cloud) writes the service's ciphertext as
 * plain base64, and its stack files hold no encryptionsalt.
 */
const ciphertextKind = (text: string): "symmetric" | "service" | undefined => {
  const parts = text.split(":");
  if (parts.length === 3 && parts[0] === "v1") {
    const [nonce, sealed] = [base64Bytes(parts[1] ?? ""), base64Bytes(parts[2] ?? "")];
    return nonce === GCM_NONCE_BYTES && sealed !== undefined && sealed >= GCM_TAG_BYTES
      ? "symmetric"
      : undefined;
  }
  const bytes = base64Bytes(text);
  return bytes !== undefined && bytes >= GCM_TAG_BYTES ? "service" : undefined;
};

const SET_SECRET = (layer: Layer, key: string, stack: string, path: string | undefined): string =>
  `set it again, reading the value from standard input: cd programs/${layer} && pulumi config set --secret ${path ? `--path '${key}.${path}'` : key} --stack ${stack} < value.txt`;

/**
 * Problems of one key's `secure:` values (the key's own, or each leaf of a map such as
 * app_secrets): not ciphertext any provider writes, or passphrase ciphertext in a file without
 * the `encryptionsalt` that decrypts it. The value is never shown.
 */
export const secureProblems = (
  layer: Layer,
  key: string,
  value: unknown,
  hasKey: boolean,
  stack: string,
  path?: string,
): Problem[] => {
  if (typeof value !== "object" || value === null) return [];
  const where = { layer, key, ...(path === undefined ? {} : { part: path }) };
  if (!Array.isArray(value) && "secure" in value) {
    const fields = Object.keys(value);
    const text = (value as { secure: unknown }).secure;
    const kind = typeof text === "string" && fields.length === 1 ? ciphertextKind(text) : undefined;
    if (kind === undefined)
      return [
        problem(
          where,
          "is marked encrypted (`secure:`), but holds no ciphertext Pulumi writes (`v1:<base64>:<base64>` with a passphrase, base64 with Pulumi Cloud)",
          SET_SECRET(layer, key, stack, path),
        ),
      ];
    if (kind === "symmetric" && !hasKey)
      return [
        problem(
          where,
          `is encrypted with a passphrase (\`v1:...\`), but config/${layer}/Pulumi.${stack}.yaml has no \`encryptionsalt:\`, so no passphrase can decrypt it`,
          "restore the file's `encryptionsalt:` line (git history, a backup); if it is lost, run `bun run stack:init` and " +
            SET_SECRET(layer, key, stack, path),
        ),
      ];
    if (kind === "service" && hasKey)
      return [
        problem(
          where,
          `is encrypted by Pulumi Cloud, but config/${layer}/Pulumi.${stack}.yaml names a passphrase or KMS key (\`encryptionsalt:\`/\`encryptedkey:\`) that cannot decrypt it`,
          SET_SECRET(layer, key, stack, path),
        ),
      ];
    return [];
  }
  return Object.entries(value).flatMap(([name, inner]) =>
    secureProblems(layer, key, inner, hasKey, stack, path === undefined ? name : `${path}.${name}`),
  );
};

/**
 * Leaves of a list or map value that YAML types (numbers, true/false, null). Pulumi decodes such a
 * value as an object (value.go, `unmarshalValue`), so these leaves reach the program as JSON
 * numbers, booleans or null, not as the text written: `0x1A` becomes 26. Every list and map key
 * here holds text, so such a leaf is refused; quoted, it is the text written everywhere.
 */
const typedLeaves = (value: unknown, path = ""): string[] => {
  if (value === null || typeof value === "number" || typeof value === "boolean") return [path];
  if (typeof value !== "object") return [];
  if (!Array.isArray(value) && "secure" in value) return [];
  return Object.entries(value).flatMap(([name, inner]) =>
    typedLeaves(inner, Array.isArray(value) ? `${path}[${name}]` : path === "" ? name : `${path}.${name}`),
  );
};

export const typedLeafProblems = (layer: Layer, key: string, value: unknown): Problem[] =>
  typeof value === "object" && value !== null
    ? typedLeaves(value).map((path) =>
        problem(
          { layer, key, part: path },
          "is unquoted, so YAML reads it as a number, true/false or null, and Pulumi hands the program that instead of the text written",
          "quote it ('...'), or leave the entry out if it is meant to be empty",
        ),
      )
    : [];
