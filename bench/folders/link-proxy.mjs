// A TCP proxy in front of the benchmark's RGW that behaves like a slow
// distant link: every byte arrives `delayMs` later in each direction (so a
// request and its answer take 2 × delayMs more), a new connection pays the TCP
// handshake's round trip before its first byte leaves, and each direction is a
// shared pipe of `mbitPerSecond` across all connections (what a home uplink
// is). bench/s3/part-counting-proxy.mjs only counts; this one shapes.
//
// Per direction, bytes queue for the pipe (serialized at the cap, in arrival
// order), then travel for delayMs. The queue is kept short (`queueMs` of
// sending): a connection whose data would wait longer is paused, so the
// client's own socket buffer fills and it feels the link, instead of the proxy
// swallowing everything at loopback speed. Each connection's bytes leave in
// order from one FIFO with one timer (separate timers could reorder them).
import { connect, createServer } from 'node:net';
import { tieSockets } from './socket-pair.mjs';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** One direction of the shared link: when its pipe is next free. */
function pipe(bytesPerMs) {
  return { bytesPerMs, freeAt: 0, bytes: 0 };
}

/**
 * Carries `source` to `destination` through `link` with `delayMs` of travel;
 * `earliest()` is when the connection may first send (after the handshake).
 */
function carry(source, destination, link, { delayMs, queueMs, earliest }) {
  const queue = []; // { at: delivery time in ms, chunk } or { at, end: true }
  let timer = null;
  let resumeTimer = null;
  const deliver = () => {
    timer = null;
    const now = nowMs();
    while (queue.length > 0 && queue[0].at <= now + 0.5) {
      const item = queue.shift();
      if (destination.destroyed) return;
      if (item.end) destination.end();
      else destination.write(item.chunk);
    }
    if (queue.length > 0) timer = setTimeout(deliver, Math.max(0, queue[0].at - nowMs()));
  };
  const enqueue = (item) => {
    queue.push(item);
    if (timer === null) timer = setTimeout(deliver, Math.max(0, item.at - nowMs()));
  };
  source.on('data', (chunk) => {
    const now = nowMs();
    const start = Math.max(now, earliest(), link.freeAt);
    link.freeAt = start + chunk.length / link.bytesPerMs;
    link.bytes += chunk.length;
    enqueue({ at: link.freeAt + delayMs, chunk });
    const backlog = link.freeAt - now;
    if (backlog > queueMs && resumeTimer === null) {
      source.pause();
      resumeTimer = setTimeout(() => {
        resumeTimer = null;
        source.resume();
      }, backlog - queueMs);
    }
  });
  // A FIN travels like data: after everything sent before it.
  source.on('end', () => enqueue({ at: Math.max(nowMs(), link.freeAt) + delayMs, end: true }));
  return () => {
    clearTimeout(timer);
    clearTimeout(resumeTimer);
  };
}

/**
 * Starts the proxy to `target` (http://host:port). Returns its endpoint, the
 * bytes carried each way, and close().
 */
export async function startLinkProxy(target, { delayMs = 40, mbitPerSecond = 100, queueMs = 20 } = {}) {
  const { hostname, port } = new URL(target);
  const bytesPerMs = (mbitPerSecond * 1e6) / 8 / 1000;
  const up = pipe(bytesPerMs);
  const down = pipe(bytesPerMs);
  const sockets = new Set();
  const server = createServer({ allowHalfOpen: true }, (client) => {
    // The client may send once SYN and SYN-ACK have crossed the link: one round trip after it connected.
    const openedAt = nowMs() + 2 * delayMs;
    const upstream = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const stops = [
      carry(client, upstream, up, { delayMs, queueMs, earliest: () => openedAt }),
      carry(upstream, client, down, { delayMs, queueMs, earliest: () => 0 }),
    ];
    // Errors end both sides; a clean close of one side only ends the other once its queue is delivered.
    tieSockets(client, upstream, sockets, () => {
      for (const stop of stops) stop();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    params: { delayMs, mbitPerSecond, queueMs },
    bytes: () => ({ up: up.bytes, down: down.bytes }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
