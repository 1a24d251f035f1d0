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

export const duplicates = (values: readonly string[]): string[] =>
  [...new Set(values.filter((value, index) => values.indexOf(value) !== index))].sort();
