/**
 * Every image the auth layer runs, pinned in one place. Versions are the checked facts of
 * ../shared/reference/components.md (sections 9 and 10).
 */
export interface ImagePin {
  image: string;
  /** The port the application listens on inside the container. */
  port: number;
}

export const POCKET_ID: ImagePin = {
  image: "ghcr.io/pocket-id/pocket-id:v2.14.0",
  port: 1411,
};

export const TINYAUTH: ImagePin = {
  image: "ghcr.io/tinyauthapp/tinyauth:v5.1.3",
  port: 3000,
};
