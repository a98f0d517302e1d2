import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../../shared/ipc-contract.ts';

/**
 * Who may talk to the headless server's API. The server listens on loopback
 * only, but any web page the user opens can still send requests to
 * 127.0.0.1, so every API request must also prove it comes from the page the
 * server itself served:
 *
 * - `Host` must name this server (`127.0.0.1:<port>` or `localhost:<port>`):
 *   a DNS-rebinding page reaches us under its own host name and is refused;
 * - `Origin`, when the browser sends one, must be this server's own origin:
 *   another site's page is refused even before the token is looked at;
 * - the token (printed in the URL fragment, which never leaves the browser)
 *   must match: a header on invoke, a query parameter on the event stream
 *   (EventSource cannot set headers). Compared in constant time.
 *
 * Pure: the server hands it what it read from the request and acts on the answer.
 */

export interface GuardRequest {
  /** Raw header values as Node gives them (lower-case names). */
  host: string | undefined;
  origin: string | undefined;
  /** The token the request presents: the x-hoist-token header, or ?token= on the event stream. */
  token: string | undefined;
}

export interface GuardServer {
  port: number;
  token: string;
}

export type GuardDecision = { allow: true } | { allow: false; status: 401 | 403; code: ErrorCode; message: string };

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'] as const;

/** The Host header values this server answers to. */
export function allowedHosts(port: number): string[] {
  return LOOPBACK_HOSTS.map((host) => `${host}:${port}`);
}

/** The origins of the pages this server serves (the same two names as the hosts). */
export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** An absent Origin is allowed (same-origin GETs such as EventSource send none); a present one must be ours. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || allowedOrigins(port).includes(origin.toLowerCase());
}

/**
 * Constant-time comparison that does not leak the length either: both sides
 * are hashed first, so timingSafeEqual always compares 32 bytes.
 */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected.length === 0) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected)) && presented.length === expected.length;
}

/** Host first (DNS rebinding), then Origin (another site), then the token. */
export function guardApiRequest(request: GuardRequest, server: GuardServer): GuardDecision {
  if (!isAllowedHost(request.host, server.port)) {
    return { allow: false, status: 403, code: 'forbidden', message: 'this server answers only to 127.0.0.1 and localhost' };
  }
  if (!isAllowedOrigin(request.origin, server.port)) {
    return { allow: false, status: 403, code: 'forbidden', message: 'requests from other origins are refused' };
  }
  if (!tokensEqual(request.token, server.token)) {
    return { allow: false, status: 401, code: 'forbidden', message: 'missing or wrong token: open the URL Hoist printed at start' };
  }
  return { allow: true };
}

/**
 * Node joins a repeated header into one string (and types only set-cookie as
 * an array); join an array the same way so a repeated header can never look
 * absent to the guard.
 */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
