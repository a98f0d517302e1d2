import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateToken, TOKEN_FILE, tokenNote } from './headless-token.ts';

describe('the headless access token', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, saved 0600, and reused at the next start', () => {
    const first = loadOrCreateToken(dir);
    expect(first.origin).toBe('new');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, TOKEN_FILE), 'utf8').trim()).toBe(first.token);
    expect(loadOrCreateToken(dir)).toEqual({ token: first.token, origin: 'saved' });
    expect(tokenNote('saved')).toBeUndefined();
  });

  it('--new-token replaces it', () => {
    const first = loadOrCreateToken(dir);
    const rotated = loadOrCreateToken(dir, { rotate: true });
    expect(rotated.origin).toBe('rotated');
    expect(rotated.token).not.toBe(first.token);
    expect(loadOrCreateToken(dir).token).toBe(rotated.token);
    expect(tokenNote('rotated')).toContain('old link');
  });

  it('a token file others can read, or a damaged one, is replaced, never used', () => {
    const first = loadOrCreateToken(dir);
    chmodSync(join(dir, TOKEN_FILE), 0o644);
    const replaced = loadOrCreateToken(dir);
    expect(replaced.origin).toBe('replaced-unsafe');
    expect(replaced.token).not.toBe(first.token);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);

    writeFileSync(join(dir, TOKEN_FILE), 'short', { mode: 0o600 });
    const damaged = loadOrCreateToken(dir);
    expect(damaged.origin).toBe('replaced-unreadable');
    expect(damaged.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
