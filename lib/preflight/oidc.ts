/**
 * OIDC callbacks on hosts their app serves. Pocket ID redirects a login only to a registered
 * callback URL, so a client whose callback host no Ingress of its app serves can never log in.
 * The declared clients are read from the OIDC client steps' ConfigMaps (lib/oidc/reconcile.ts);
 * an app's hosts are those of the Ingresses in the namespace its client's Secret goes to, planned
 * by the step's layer or an earlier one.
 */
import type { Problem } from "../core/problem.ts";
import { callbackHost, declaredClients } from "../oidc/reconcile.ts";
import { type Deploy, type ObjectStep, placeOf } from "./model.ts";

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

export const oidcRules = (deploy: Deploy): Problem[] =>
  deploy.objects
    .filter((step) => step.object.kind === "ConfigMap")
    .flatMap((step) =>
      declaredClients(step.object).flatMap((client) => {
        const served = hostsIn(deploy, step, client.secret.namespace);
        return client.callbackUrls
          .filter((url) => !served.has(callbackHost(url) ?? ""))
          .map((url) => ({
            where: placeOf(step),
            what: `OIDC client ${client.id}: callback ${url} is not on a host an Ingress in namespace ${client.secret.namespace} serves (${[...served].join(", ") || "none"}), so Pocket ID would send every login to a page the app does not answer`,
            fix: "serve that host with withPrivateIngress or withPublicIngress, or change the callback (withOidc callbackPath)",
          }));
      }),
    );
