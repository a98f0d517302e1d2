// The two sockets of one proxied connection (the client's and the one to the
// server) live and die together: an error on either side ends both, and once
// both have closed, what the proxy kept for them goes too.

/**
 * Ties `client` and `upstream`: returns the function that ends both (also
 * called by itself on an error or once both have closed), after `onEnd`.
 * `sockets` is the proxy's set of open sockets, for closing it.
 */
export function tieSockets(client, upstream, sockets, onEnd = () => undefined) {
  const destroy = () => {
    onEnd();
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  client.on('error', destroy);
  upstream.on('error', destroy);
  let closed = 0;
  const onClose = () => {
    closed += 1;
    if (closed === 2) destroy();
  };
  client.on('close', onClose);
  upstream.on('close', onClose);
  return destroy;
}
