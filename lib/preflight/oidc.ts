/**
 * OIDC callbacks on hosts their app serves. Pocket ID redirects a login only to a registered
 * callback URL, so a client whose callback host no Ingress of its app serves can never log in.
 * The declared clients are read from the OIDC client steps' ConfigMaps (lib/oidc/reconcile.ts);
 * an app's hosts are those of the Ingresses in the namespace its client's Secret goes to, planned
 * by the step's layer or an earlier one.
 */
import type { Problem } from "../core/problem.ts";
import { OIDC_CLIENTS_ANNOTATION } from "../k8s/annotations.ts";
import { type Deploy, type ObjectStep, placeOf } from "./model.ts";

interface DeclaredClient {
  id: string;
  callbackUrls: string[];
  secret: { namespace: string };
}

const declaredClients = (step: ObjectStep): DeclaredClient[] => {
  const key = step.object.metadata.annotations?.[OIDC_CLIENTS_ANNOTATION];
  const text = key === undefined ? undefined : (step.object as { data?: Record<string, string> }).data?.[key];
  if (text === undefined) return [];
  return (JSON.parse(text) as { clients: DeclaredClient[] }).clients;
};

const hostsIn = (deploy: Deploy, step: ObjectStep, namespace: string): Set<string> =>
  new Set(
    deploy.objects
      .filter(
        (other) =>
          other.object.kind === "Ingress" &&
          other.object.metadata.namespace === namespace &&
          other.rank <= step.rank,
      )
      .flatMap((other) =>
        ((other.object as { spec?: { rules?: { host?: string }[] } }).spec?.rules ?? []).flatMap((rule) =>
          rule.host === undefined ? [] : [rule.host],
        ),
      ),
  );

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
};

export const oidcRules = (deploy: Deploy): Problem[] =>
  deploy.objects
    .filter((step) => step.object.kind === "ConfigMap")
    .flatMap((step) =>
      declaredClients(step).flatMap((client) => {
        const served = hostsIn(deploy, step, client.secret.namespace);
        return client.callbackUrls
          .filter((url) => !served.has(hostOf(url) ?? ""))
          .map((url) => ({
            where: placeOf(step),
            what: `OIDC client ${client.id}: callback ${url} is not on a host an Ingress in namespace ${client.secret.namespace} serves (${[...served].join(", ") || "none"}), so Pocket ID would send every login to a page the app does not answer`,
            fix: "serve that host with withPrivateIngress or withPublicIngress, or change the callback (withOidc callbackPath)",
          }));
      }),
    );
