/**
 * Images the app library itself deploys (each app pins its own image in its file).
 * CloudNativePG 1.30.0's default PostgreSQL image (components.md section 7).
 */
export const POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie";
