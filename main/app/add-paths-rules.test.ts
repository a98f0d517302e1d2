import { describe, expect, it } from 'vitest';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { newTestApp } from './testing/test-app.ts';

// uploads.add from a window: what a compromised renderer or a page holding the
// headless token could name is checked in main (issue 15, point 1, in part).
const fixture = useEngineFixture();

describe('uploads.add refuses what a window must not make Hoist read', () => {
  it('relative paths and the kernel’s files are rejected with the reason, and nothing is recorded or sent', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target: { id: 't1', name: 'Backups', bucket: 'bucket' } });
    // Saving tried the target (one listing); what counts is that the add sends nothing.
    const callsBefore = fixture.s3.calls.length;

    const result = await app.dispatch('uploads.add', { paths: ['../../../../etc/passwd', '/proc/self/environ'], targetId: 't1' });

    expect(result).toEqual({
      ok: true,
      value: {
        added: [],
        rejected: [
          { path: '../../../../etc/passwd', reason: '../../../../etc/passwd: give the full path (from /); a relative path would be read from wherever Hoist was started' },
          { path: '/proc/self/environ', reason: '/proc/self/environ: files under /proc are not uploaded' },
        ],
      },
    });
    expect(fixture.store.listUploads()).toEqual([]);
    expect(fixture.s3.calls.slice(callsBefore)).toEqual([]);
  });
});
