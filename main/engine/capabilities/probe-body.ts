/**
 * The bytes of the capability probe's throwaway parts (see
 * probe-capabilities.ts), in a module of their own so the sweep of uploads a
 * killed run left (crash-leftovers.ts) can recognise them without importing
 * the probe.
 */
export const PROBE_BODY = Buffer.from('Hoist checks what this server does with integrity headers; this upload is aborted at once.\n');
export const WRONG_BODY = Buffer.from('not the body that was sent');
