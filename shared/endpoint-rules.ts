/**
 * Which S3 endpoints may be sent keys and data over plain http://: pure rules
 * shared by the contract's validation of targets.save and the UI's warning.
 */
/** This machine: an endpoint here never crosses a network, so plain http:// is fine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A plain http:// endpoint off this machine, not accepted by the user: credentials and data would cross the network in clear. */
export function insecureEndpoint(target: { endpoint: string; allowInsecureHttp: boolean }): boolean {
  if (target.allowInsecureHttp) return false;
  const host = plainHttpHost(target.endpoint);
  return host !== undefined && !isLoopbackHost(host);
}

/** The host of a plain http:// URL (without port or brackets' content changed); undefined for anything else. */
export function plainHttpHost(endpoint: string): string | undefined {
  return /^http:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]+)/i.exec(endpoint.trim())?.[1];
}
