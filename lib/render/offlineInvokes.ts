/**
 * Offline answers to provider functions the programs call, so the render needs no network.
 * Each answer is shaped like the real provider's result and clearly marked as made up.
 */
export const offlineInvokes: Readonly<
  Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>
> = {};
