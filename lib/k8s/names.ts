/**
 * Names the platform owns. A user app may not take them: the namespaces are kept here, below every
 * layer, so the apps layer can refuse them without importing the layers that create them.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "metallb-system",
  "cert-manager",
  "external-dns",
  "cnpg-system",
  "traefik",
  "pocket-id",
  "tinyauth",
];
