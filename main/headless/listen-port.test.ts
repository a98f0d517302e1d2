import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultPort, listenOnPort, USER_PORT_BASE, USER_PORT_SPAN } from './listen-port.ts';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('the headless port', () => {
  it('is fixed per user, below the ephemeral range, different for different users', () => {
    expect(defaultPort(1000)).toBe(21000);
    expect(defaultPort(1000)).toBe(defaultPort(1000));
    expect(defaultPort(0)).toBe(USER_PORT_BASE);
    expect(defaultPort(1001)).not.toBe(defaultPort(1000));
    expect(defaultPort(123_456_789)).toBeLessThan(USER_PORT_BASE + USER_PORT_SPAN);
    // No uid (Windows): from the user name, still fixed.
    expect(defaultPort(undefined, () => 'ada')).toBe(defaultPort(undefined, () => 'ada'));
    expect(defaultPort(undefined, () => 'ada')).toBeGreaterThanOrEqual(USER_PORT_BASE);
  });

  it('takes the usual port when it is free, another one (said) when it is taken', async () => {
    const probe = await listen(0);
    const usual = portOf(probe);
    await new Promise((resolve) => probe.close(resolve));

    const first = await listenOnPort(undefined, usual, listen);
    expect(portOf(first.server)).toBe(usual);
    expect(first.usualPortTaken).toBeUndefined();

    const second = await listenOnPort(undefined, usual, listen);
    expect(second.usualPortTaken).toBe(usual);
    expect(portOf(second.server)).not.toBe(usual);

    // A port the user named is theirs to choose: taken is an error, not a silent move.
    await expect(listenOnPort(usual, 1, listen)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    for (const server of [first.server, second.server]) await new Promise((resolve) => server.close(resolve));
  });
});
