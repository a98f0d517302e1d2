import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Envelope, ErrorCode } from '../../shared/ipc-contract.ts';

/*
 * How the headless web bridge writes a response: every answer, static file or
 * API, carries the same security headers, so they are set in this one place.
 */

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sent with every response, static or API. */
export const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** `afterSent`: once the answer is written (for instance, to close a connection whose body is not read). */
export function send(res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}, afterSent?: () => void): void {
  if (res.headersSent) {
    res.end(afterSent);
    return;
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body, afterSent);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}, afterSent?: () => void): void {
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json; charset=utf-8', ...headers }, afterSent);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, text, { 'Content-Type': 'text/plain; charset=utf-8' });
}

export function errorEnvelope(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}
