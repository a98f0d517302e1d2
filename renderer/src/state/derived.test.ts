import { describe, expect, it } from 'vitest';
import { makeFolder, makeUpload } from '../test/fake-bridge.ts';
import { expiringWithin, queueTotals } from './derived.ts';

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

describe('queueTotals', () => {
  it('counts an upload waiting out a failure as retrying, not uploading', () => {
    const retrying = { at: at(NOW + 12_000), cause: 'connection refused by 127.0.0.1:7482', attempt: 3, of: 10 };
    const totals = queueTotals(
      byId(
        makeUpload({ id: 'sending', state: 'uploading', partsInFlight: 1, speed: 1000 }),
        makeUpload({ id: 'retrying', state: 'uploading', partsInFlight: 1, speed: 0, retrying }),
        makeUpload({ id: 'queued-retrying', state: 'queued', retrying }),
        makeUpload({ id: 'failed', state: 'failed', retrying }),
      ),
    );
    expect({ active: totals.active, retrying: totals.retrying, failed: totals.failed }).toEqual({ active: 1, retrying: 2, failed: 1 });
  });

  it('counts a running folder waiting out a failure as retrying, not uploading; a stopped one as neither', () => {
    const retrying = { at: at(NOW + 12_000), cause: 'connection refused by 127.0.0.1:7482', attempt: 3, of: 10 };
    const folders = new Map(
      [makeFolder({ id: 'sending' }), makeFolder({ id: 'retrying', retrying }), makeFolder({ id: 'stopped', running: false, state: 'paused', retrying })].map((folder) => [folder.id, folder]),
    );
    const totals = queueTotals(new Map(), folders);
    expect({ active: totals.active, retrying: totals.retrying }).toEqual({ active: 1, retrying: 1 });
  });
});
