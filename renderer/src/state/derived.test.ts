import { describe, expect, it } from 'vitest';
import { makeUpload } from '../test/fake-bridge.ts';
import { expiringWithin } from './derived.ts';

const HOUR = 3600_000;
const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();
const byId = (...rows: ReturnType<typeof makeUpload>[]) => new Map(rows.map((row) => [row.id, row]));

describe('expiringWithin', () => {
  it('counts unfinished uploads expiring within the window and names the soonest', () => {
    const uploads = byId(
      makeUpload({ id: 'later', expiresAt: at(NOW + 10 * HOUR) }),
      makeUpload({ id: 'soonest', state: 'paused', expiresAt: at(NOW + 2 * HOUR) }),
      makeUpload({ id: 'outside', expiresAt: at(NOW + 48 * HOUR) }),
      makeUpload({ id: 'done', state: 'completed', expiresAt: at(NOW + HOUR) }),
      makeUpload({ id: 'never', expiresAt: null }),
    );
    const summary = expiringWithin(uploads, 24, NOW);
    expect(summary.count).toBe(2);
    expect(summary.soonest?.id).toBe('soonest');
  });

  it('reads the expiry of a row main replaced, not the one it had before', () => {
    const first = makeUpload({ id: 'a', expiresAt: at(NOW + 2 * HOUR) });
    expect(expiringWithin(byId(first), 24, NOW).count).toBe(1);
    // The server's lifecycle rule was renewed: same id, new row object, later expiry.
    const renewed = { ...first, expiresAt: at(NOW + 72 * HOUR) };
    expect(expiringWithin(byId(renewed), 24, NOW).count).toBe(0);
    // And the first object still answers with its own expiry.
    expect(expiringWithin(byId(first), 24, NOW).soonest).toBe(first);
  });
});
