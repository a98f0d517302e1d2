import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shellLog } from './log.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
let dir = '';
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the desktop app’s log', () => {
  it('writes each message as one line, secrets masked, to the console and to hoist.log in the logs directory', () => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-shell-log-'));
    const console = vi.spyOn(globalThis.console, 'log').mockImplementation(() => undefined);
    const log = shellLog(join(dir, 'logs'));
    log(`could not start: the key ${SECRET}\n    at somewhere (main.ts:1:1)`);
    expect(console.mock.calls).toEqual([['[hoist] could not start: the key [redacted] | at somewhere (main.ts:1:1)']]);
    const file = join(dir, 'logs', 'hoist.log');
    expect(readFileSync(file, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z could not start: the key \[redacted\] \| at somewhere \(main\.ts:1:1\)\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
