import { describe, expect, it } from 'vitest';
import { headlessHost } from './headless-host.ts';

describe('headlessHost', () => {
  it('has no file dialog and no reveal; notifications and start-at-login become log lines', async () => {
    const lines: string[] = [];
    const host = headlessHost({ version: '1.2.3', log: (line) => lines.push(line), platform: 'linux' });
    expect(host).toMatchObject({ mode: 'headless', version: '1.2.3', platform: 'linux' });
    expect(host.pickPaths).toBeUndefined();
    expect(host.reveal).toBeUndefined();
    // No grants: the user types full paths there, and the token guards the channel (issue 15).
    expect(host.pathGrants).toBeUndefined();
    host.notify?.('Upload complete', 'big.iso is in s3://b/big.iso');
    await host.setStartAtLogin?.(true);
    expect(lines[0]).toBe('Upload complete: big.iso is in s3://b/big.iso');
    expect(lines[1]).toMatch(/not supported in headless mode/);
  });

  it('refuses to store typed secret keys, and has none', () => {
    const host = headlessHost({ version: '1', log: () => undefined });
    expect(host.secrets.kind).toBe('unavailable');
    expect(() => host.secrets.set('t', 'secret')).toThrow(/AWS profile/);
    expect(host.secrets.get('t')).toBeUndefined();
  });
});
