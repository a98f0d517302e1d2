// A TCP proxy in front of the benchmark's RGW that reads the HTTP requests
// going through it and counts UploadPart bodies: how many bytes of part data
// reached the server's side of the wire, part by part, and when the first one
// started. Requests here always carry Content-Length (Hoist sends no chunked
// bodies), so a request is its head up to the blank line plus that many bytes.
import { createServer, connect } from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');

/** Parses one connection's request stream, calling onPartBytes(partNumber, count) for UploadPart body bytes. */
function requestParser({ onPartStart, onPartBytes }) {
  let pending = Buffer.alloc(0);
  let bodyLeft = 0;
  let bodyPart = null;
  return (chunk) => {
    let data = chunk;
    while (data.length > 0) {
      if (bodyLeft > 0) {
        const take = Math.min(bodyLeft, data.length);
        if (bodyPart !== null) onPartBytes(bodyPart, take);
        bodyLeft -= take;
        data = data.subarray(take);
        continue;
      }
      pending = Buffer.concat([pending, data]);
      const end = pending.indexOf(HEAD_END);
      if (end < 0) return;
      const head = pending.subarray(0, end).toString('latin1');
      data = pending.subarray(end + HEAD_END.length);
      pending = Buffer.alloc(0);
      const [requestLine] = head.split('\r\n');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      bodyLeft = length ? Number(length[1]) : 0;
      const part = /^PUT \S*[?&]partNumber=(\d+)/.exec(requestLine ?? '');
      // UploadPartCopy is a PUT with a partNumber too, but carries no body.
      bodyPart = part && bodyLeft > 0 ? Number(part[1]) : null;
      if (bodyPart !== null) onPartStart(bodyPart);
    }
  };
}

/**
 * Starts the proxy to `target` (http://host:port). Returns its endpoint, the
 * running counts, reset() for a new session, and close().
 */
export async function startPartCountingProxy(target) {
  const { hostname, port } = new URL(target);
  const counts = { partBytes: 0, perPart: new Map(), firstPartAt: null, onBytes: null };
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    const parse = requestParser({
      onPartStart: () => {
        counts.firstPartAt ??= process.hrtime.bigint();
      },
      onPartBytes: (partNumber, count) => {
        counts.partBytes += count;
        counts.perPart.set(partNumber, (counts.perPart.get(partNumber) ?? 0) + count);
        counts.onBytes?.(counts.partBytes);
      },
    });
    client.on('data', (chunk) => {
      parse(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    counts,
    reset() {
      counts.partBytes = 0;
      counts.perPart = new Map();
      counts.firstPartAt = null;
      counts.onBytes = null;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
