import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port on this machine where nothing listens (taken, then freed): an endpoint that refuses connections. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
