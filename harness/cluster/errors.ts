/**
 * The API server's own words for a failed request. @kubernetes/client-node throws an ApiException
 * whose body is the server's Status (as an object or as JSON text); its `message` is what
 * kubectl would print, e.g. `Deployment.apps "x" is invalid: spec.template.metadata.labels: …`.
 */

interface StatusLike {
  message?: unknown;
  reason?: unknown;
}

const statusOf = (body: unknown): StatusLike | undefined => {
  if (typeof body === "string") {
    try {
      return statusOf(JSON.parse(body));
    } catch {
      return body.trim() === "" ? undefined : { message: body.trim() };
    }
  }
  return body && typeof body === "object" ? (body as StatusLike) : undefined;
};

/** The server's message for an error thrown by a client call, else the error's own text. */
export const apiErrorMessage = (error: unknown): string => {
  const candidate = error as { code?: unknown; body?: unknown; message?: unknown } | null;
  const status = statusOf(candidate?.body);
  if (typeof status?.message === "string" && status.message !== "") return status.message;
  const code = typeof candidate?.code === "number" ? `HTTP ${candidate.code}` : undefined;
  const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return [code, text].filter(Boolean).join(": ");
};
