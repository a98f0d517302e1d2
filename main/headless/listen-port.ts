import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';

/*
 * The headless server's port. A page left open across a restart, or a
 * bookmark, only works if the URL stays the same, so each user gets a fixed
 * default port: 20000 + uid % 10000. The range sits below Linux's ephemeral
 * ports (32768 and up), which outgoing connections take at random, and above
 * the ports usual services are configured on; different users of one machine
 * get different ports.
 */

export const USER_PORT_BASE = 20000;
export const USER_PORT_SPAN = 10000;

/** The user's default port: from the uid where there is one (POSIX), else from the user name. */
export function defaultPort(uid: number | undefined = process.getuid?.(), name: () => string = () => userInfo().username): number {
  const seed = uid ?? createHash('sha256').update(name()).digest().readUInt32BE(0);
  return USER_PORT_BASE + (seed % USER_PORT_SPAN);
}

export interface Listening<S> {
  server: S;
  /** Set when the usual port was taken and another one was used: the URL is not the usual one. */
  usualPortTaken?: number;
}

/**
 * Listens on the port asked for; with none asked for, on the user's default
 * port, or on any free one when that is in use (another Hoist on another state
 * directory, or another program), which the caller says. A port the user
 * named that is taken is an error: they asked for that one.
 */
export async function listenOnPort<S>(asked: number | undefined, usual: number, start: (port: number) => Promise<S>): Promise<Listening<S>> {
  if (asked !== undefined) return { server: await start(asked) };
  try {
    return { server: await start(usual) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return { server: await start(0), usualPortTaken: usual };
  }
}
