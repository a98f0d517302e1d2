import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The headless page's access token, kept in the state directory so the URL
 * (and a page left open, or a bookmark) survives a restart. The file is the
 * owner's only (0600, in the 0700 state directory): anyone who can read it can
 * drive Hoist. A file others could read is not trusted: a new token replaces
 * it. `--new-token` replaces it on request (a link that leaked).
 */

export const TOKEN_FILE = 'headless-token';
/** 32 random bytes, base64url: what this module writes; a file with anything else is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type TokenOrigin = 'saved' | 'new' | 'rotated' | 'replaced-unsafe' | 'replaced-unreadable';

export interface HeadlessToken {
  token: string;
  /** saved: reused; new: none was saved; rotated: --new-token; replaced-*: the saved one could not be trusted or read. */
  origin: TokenOrigin;
}

export function loadOrCreateToken(stateDir: string, options: { rotate?: boolean } = {}): HeadlessToken {
  const path = join(stateDir, TOKEN_FILE);
  if (options.rotate) return { token: writeToken(path), origin: 'rotated' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { token: writeToken(path), origin: 'new' };
    return { token: writeToken(path), origin: 'replaced-unreadable' };
  }
  if (!TOKEN_SHAPE.test(text)) return { token: writeToken(path), origin: 'replaced-unreadable' };
  // Group or others could read it (POSIX modes; Windows reports none of these bits).
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) return { token: writeToken(path), origin: 'replaced-unsafe' };
  return { token: text, origin: 'saved' };
}

/** A new token, written to a 0600 temporary file then renamed over the old one: a crash leaves the old or the new, never half of one. */
function writeToken(path: string): string {
  const token = randomBytes(32).toString('base64url');
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return token;
}

/** What the log says about the token at start, or nothing when the saved one was reused. */
export function tokenNote(origin: TokenOrigin): string | undefined {
  switch (origin) {
    case 'saved':
      return undefined;
    case 'new':
      return 'a new access token was made and saved; the URL stays the same at the next start';
    case 'rotated':
      return 'the access token was replaced (--new-token): pages opened with the old link must be opened again with the new one';
    case 'replaced-unsafe':
      return 'the saved access token was readable by other users: it was replaced; open the new link';
    case 'replaced-unreadable':
      return 'the saved access token could not be read: it was replaced; open the new link';
  }
}
