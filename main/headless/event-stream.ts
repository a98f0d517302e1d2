import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorEnvelope, SECURITY_HEADERS, sendJson } from './http-responses.ts';

/*
 * GET /api/events of the headless bridge: every app event as a server-sent
 * event, with a comment heartbeat, until the client goes or the server closes.
 */

/** What the event stream needs of the app. */
export interface EventSubscriber {
  on(listener: (name: string, payload: unknown) => void): () => void;
}

/** Open event streams: each one's clean-up, and its response (the server ends them at close). */
export type OpenStreams = Map<() => void, ServerResponse>;

export function openEventStream(req: IncomingMessage, res: ServerResponse, app: EventSubscriber, heartbeatMs: number, streams: OpenStreams): void {
  if (req.method !== 'GET') return sendJson(res, 405, errorEnvelope('unsupported', 'the event stream is a GET'), { Allow: 'GET' });
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  // Written only while the stream is open: a write after end would be an unhandled 'error'.
  const write = (text: string): void => {
    if (!res.writableEnded && !res.destroyed) res.write(text);
  };
  write('retry: 1000\n: connected\n\n');
  const unsubscribe = app.on((name, payload) => write(`data: ${JSON.stringify({ event: name, payload })}\n\n`));
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref();
  let open = true;
  const cleanUp = (): void => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(cleanUp);
  };
  streams.set(cleanUp, res);
  res.on('close', cleanUp);
  res.on('error', cleanUp);
  req.on('close', cleanUp);
}
