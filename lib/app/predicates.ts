/**
 * The small predicates app validation is made of: names, image references, paths, sizes and env
 * names, each as the API server (or common sense about secrets) sees them.
 */
import { bytes } from "../k8s/quantity.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Service name: a DNS-1035 label (it must start with a letter). */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
export const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
export const CAPABILITY = /^[A-Z][A-Z_]*$/;

export const isDnsLabel = (text: string): boolean => text.length <= 63 && DNS_LABEL.test(text);
export const isDns1035Label = (text: string): boolean => text.length <= 63 && DNS_1035_LABEL.test(text);

/**
 * A well-formed image reference (the distribution grammar): `[registry[:port]/]path[:tag][@digest]`,
 * the path lowercase, no whitespace.
 */
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?` +
    `${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
export const isImageReference = (image: string): boolean =>
  image.length <= 255 && IMAGE_REFERENCE.test(image);

/** `repository:tag` (not latest) or `repository@sha256:...`. */
export const imagePinned = (image: string): boolean => {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSlash = image.lastIndexOf("/");
  const tag = image.slice(lastSlash + 1).split(":")[1];
  return tag !== undefined && tag !== "" && tag !== "latest";
};

/** A storage quantity above zero. */
export const isPositiveSize = (size: string): boolean => (bytes(size) ?? 0) > 0;

/**
 * The largest volume an app may ask for. A homelab's disks and NAS shares hold a few terabytes: a
 * volume above 10Ti is a typo (`5Ti` for `5Gi`, a missing unit suffix), and Longhorn could never
 * schedule it on one node's disk anyway.
 */
export const MAX_VOLUME_SIZE = "10Ti";

/** A storage quantity above the cap: one the cluster cannot hold. */
export const isOversized = (size: string): boolean => (bytes(size) ?? 0) > (bytes(MAX_VOLUME_SIZE) ?? 0);

/** Folders a volume or config file must not replace: the root, and the image's system folders. */
const SYSTEM_FOLDERS = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib32",
  "/lib64",
  "/proc",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
  "/var",
];
/** Kernel and device file systems: nothing may be mounted anywhere inside them. */
const KERNEL_FOLDERS = ["/dev", "/proc", "/sys"];

/** Why a mount path would break the container, or undefined when it is fine. */
export const systemPathProblem = (path: string): string | undefined => {
  const normal = path.replace(/\/+$/, "") || "/";
  if (normal === "/") return "is the container's root folder";
  if (path.split("/").includes("..")) return "contains `..`";
  if (SYSTEM_FOLDERS.includes(normal)) return `replaces the system folder ${normal}`;
  const kernel = KERNEL_FOLDERS.find((folder) => normal.startsWith(`${folder}/`));
  return kernel ? `lies inside ${kernel}, which the container runtime owns` : undefined;
};

/**
 * Env var names that look like they hold a secret, in any case: ending in PASSWORD, PASSWD, PASS,
 * SECRET, TOKEN, KEY, APIKEY or CREDENTIALS, or starting with (or holding) SECRET_ or PASSWORD_.
 * Names that point at a file holding the secret (`*_FILE`, `*_PATH`) are fine.
 */
const SECRET_ENDING = /(^|_)(PASSWORD|PASSWD|PASS|SECRET|TOKEN|KEY|APIKEY|CREDENTIALS?)$/i;
const SECRET_PART = /(^|_)(SECRET|PASSWORD)_/i;
export const looksSecret = (name: string): boolean =>
  !/_(FILE|PATH)$/i.test(name) && (SECRET_ENDING.test(name) || SECRET_PART.test(name));

/** A reference the container fills in, not a value: Kubernetes `$(VAR)` or a template's `${VAR}`. */
const REFERENCE = /^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\})$/;

/** Credentials an env value may carry, each with what to call it (never the value itself). */
const CREDENTIAL_VALUES: readonly (readonly [kind: string, carries: (value: string) => boolean])[] = [
  [
    "a password in a URL (scheme://user:password@host)",
    (value) => {
      const userinfo = /[a-z][a-z0-9+.-]*:\/\/[^/\s@:]*:([^/\s@]+)@/i.exec(value);
      return userinfo?.[1] !== undefined && !REFERENCE.test(userinfo[1]);
    },
  ],
  [
    "a password or token in a URL's query (?password=...)",
    (value) =>
      /[?&](password|passwd|pwd|pass|secret|token|access_token|api_?key)=(?!\$[({])[^&\s]+/i.test(value),
  ],
  [
    "an HTTP authorization header (Bearer or Basic)",
    (value) => /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/.test(value),
  ],
  ["a private key", (value) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(value)],
  ["a JSON Web Token", (value) => /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./.test(value)],
  [
    "a provider's access token (GitHub, GitLab, Slack, AWS)",
    (value) =>
      /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}|AKIA[0-9A-Z]{16})\b/.test(
        value,
      ),
  ],
];

/** What credential an env value carries, if it looks like it carries one. */
export const credentialIn = (value: string): string | undefined =>
  CREDENTIAL_VALUES.find(([, carries]) => carries(value))?.[0];

export const duplicates = (values: readonly string[]): string[] =>
  [...new Set(values.filter((value, index) => values.indexOf(value) !== index))].sort();
