import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Envelope } from '../../shared/ipc-contract.ts';
import { errorEnvelope, sendJson } from './http-responses.ts';

/*
 * POST /api/invoke/<request name> of the headless bridge: reads the JSON body
 * (bounded in size) and hands it to the app, whose Envelope is the answer.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

/** What an invoke needs of the app. */
export interface RequestDispatcher {
  dispatch(name: unknown, payload: unknown): Promise<Envelope<unknown>>;
}

function readBody(req: IncomingMessage): Promise<{ ok: true; text: string } | { ok: false; tooLarge: true }> {
  return new Promise((resolveBody, rejectBody) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      resolveBody({ ok: false, tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      // Stop reading at the limit: the 413 goes out and the connection closes, the rest is never read.
      req.off('data', onData);
      req.pause();
      resolveBody({ ok: false, tooLarge: true });
    };
    req.on('data', onData);
    req.on('end', () => resolveBody({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', rejectBody);
  });
}

export async function invokeRequest(req: IncomingMessage, res: ServerResponse, app: RequestDispatcher, name: string): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, errorEnvelope('unsupported', 'requests are POSTed'), { Allow: 'POST' });
  const body = await readBody(req);
  if (!body.ok) {
    return sendJson(res, 413, errorEnvelope('invalid-payload', `the request body is larger than ${MAX_BODY_BYTES} bytes`), { Connection: 'close' }, () => req.destroy());
  }
  let payload: unknown = undefined;
  if (body.text.trim() !== '') {
    try {
      payload = JSON.parse(body.text);
    } catch {
      return sendJson(res, 400, errorEnvelope('invalid-payload', 'the request body is not valid JSON'));
    }
  }
  const envelope = await app.dispatch(name, payload);
  sendJson(res, 200, envelope);
}
