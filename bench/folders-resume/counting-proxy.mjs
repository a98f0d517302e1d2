// A TCP proxy in front of the benchmark's RGW that reads both directions of
// every HTTP/1.1 exchange and records each PUT carrying a body (PutObject and
// UploadPart; not CreateBucket, not UploadPartCopy) with its key, partNumber
// and uploadId, when its head reached the proxy and the status the server
// answered. That is what "files sent again" and "time to first byte" are
// counted from: what reached the server, whatever the client believes.
//
// bench/s3/part-counting-proxy.mjs only counts part bytes one way; here the
// answers matter too (a PUT the server answered 200 is on the server even if
// the client was killed before it read the answer). The client never pipelines
// (one request at a time per connection, the AWS SDK's keep-alive agent), so a
// connection's answers pair with its requests in order; a 1xx answer (100
// Continue) is not the final one.
import { connect, createServer } from 'node:net';
import { tieSockets } from '../folders/socket-pair.mjs';

const CRLF2 = Buffer.from('\r\n\r\n');
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * An incremental reader of HTTP messages on one direction of a connection:
 * onHead(headText) returns how the body is framed ({ length }, { chunked },
 * { untilClose } or {} for none).
 */
function messageReader(onHead) {
  let buffered = Buffer.alloc(0);
  let state = 'head';
  let left = 0;
  return (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    for (;;) {
      if (state === 'head') {
        const end = buffered.indexOf(CRLF2);
        if (end < 0) return;
        const framing = onHead(buffered.subarray(0, end).toString('latin1'));
        buffered = buffered.subarray(end + 4);
        if (framing.untilClose) state = 'rest';
        else if (framing.chunked) state = 'chunk-size';
        else if (framing.length > 0) [state, left] = ['body', framing.length];
      } else if (state === 'body' || state === 'chunk-data') {
        const take = Math.min(left, buffered.length);
        buffered = buffered.subarray(take);
        left -= take;
        if (left > 0) return;
        // A chunk's data is followed by CRLF, read as part of it.
        state = state === 'body' ? 'head' : 'chunk-size';
      } else if (state === 'chunk-size' || state === 'trailer') {
        const end = buffered.indexOf('\r\n');
        if (end < 0) return;
        const line = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 2);
        if (state === 'trailer') {
          if (line === '') state = 'head';
        } else {
          const size = parseInt(line, 16);
          [state, left] = size === 0 ? ['trailer', 0] : ['chunk-data', size + 2];
        }
      } else {
        buffered = Buffer.alloc(0);
        return;
      }
    }
  };
}

const header = (head, name) => new RegExp(`\\r\\n${name}:[ \\t]*([^\\r\\n]*)`, 'i').exec(head)?.[1];

/** What a request head is: method, and for a PUT with a body, the object's key and its part. */
function describeRequest(head) {
  const [method = '', target = ''] = head.split('\r\n', 1)[0].split(' ');
  const length = Number(header(head, 'content-length') ?? 0);
  const chunked = /chunked/i.test(header(head, 'transfer-encoding') ?? '');
  const framing = chunked ? { chunked: true } : { length };
  if (method !== 'PUT' || (length === 0 && !chunked) || header(head, 'x-amz-copy-source') !== undefined) return { method, framing };
  const url = new URL(target, 'http://proxy');
  // Path-style: /bucket/key…; a PUT of the bucket itself has no key.
  const slash = url.pathname.indexOf('/', 1);
  if (slash < 0) return { method, framing };
  const partNumber = url.searchParams.get('partNumber');
  return {
    method,
    framing,
    put: {
      bucket: decodeURIComponent(url.pathname.slice(1, slash)),
      key: decodeURIComponent(url.pathname.slice(slash + 1)),
      ...(partNumber ? { partNumber: Number(partNumber), uploadId: url.searchParams.get('uploadId') } : {}),
      bytes: length,
    },
  };
}

/**
 * Starts the proxy to `target` (http://host:port). Returns its endpoint, the
 * PUT records ({ bucket, key, partNumber?, uploadId?, bytes, at, answeredAt,
 * status }, times in ms of process.hrtime), every other request ({ request:
 * its request line, at }), listeners onPut(record) and
 * onAnswer(record) (settable), and close().
 */
export async function startCountingProxy(target) {
  const { hostname, port } = new URL(target);
  const proxy = { records: [], others: [], onPut: null, onAnswer: null };
  const sockets = new Set();
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const waiting = []; // requests of this connection not answered yet: { method, record }
    const readRequest = messageReader((head) => {
      const request = describeRequest(head);
      const record = request.put ? { ...request.put, at: nowMs(), answeredAt: null, status: null } : null;
      if (record) {
        proxy.records.push(record);
        proxy.onPut?.(record);
      } else {
        // Few (listings, HEADs, multipart calls): kept whole, to see what a client asks before its first PUT.
        proxy.others.push({ request: head.split('\r\n', 1)[0], at: nowMs() });
      }
      waiting.push({ method: request.method, record });
      return request.framing;
    });
    const readAnswer = messageReader((head) => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      if (status >= 100 && status < 200) return {};
      const request = waiting.shift();
      if (request?.record) {
        Object.assign(request.record, { status, answeredAt: nowMs() });
        proxy.onAnswer?.(request.record);
      }
      if (request?.method === 'HEAD' || status === 204 || status === 304) return {};
      const length = header(head, 'content-length');
      if (length !== undefined) return { length: Number(length) };
      return /chunked/i.test(header(head, 'transfer-encoding') ?? '') ? { chunked: true } : { untilClose: true };
    });
    client.on('data', (chunk) => {
      readRequest(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      readAnswer(chunk);
      if (!client.destroyed) client.write(chunk);
    });
    // A killed client closes its socket: the server gets the same (a FIN after what was sent) and
    // still answers a request it had whole, so a PUT that arrived is recorded as the server saw it.
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    tieSockets(client, upstream, sockets);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
