import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBridge, makeUpload } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';
import { retryText } from './retry-status.tsx';

const rowOf = (id: string) => {
  const row = screen.getAllByTestId('upload-row').find((element) => element.dataset.uploadId === id);
  if (!row) throw new Error(`no row for ${id}`);
  return row;
};

const cause = 'connection refused by 127.0.0.1:7482 (CreateMultipartUpload: ECONNREFUSED)';

describe('a row that is retrying', () => {
  it('says so, with the countdown, the cause and the attempt, instead of "Queued" or "Uploading" with a speed', async () => {
    const at = new Date(Date.now() + 12_000).toISOString();
    const bridge = new FakeBridge({
      uploads: [
        makeUpload({ id: 'r', state: 'uploading', speed: 0, etaSeconds: null, retrying: { at, cause, attempt: 3, of: 10 } }),
        makeUpload({ id: 'q', state: 'queued', retrying: { at, cause, attempt: 1, of: 10 } }),
        makeUpload({ id: 'ok', state: 'uploading', retrying: null }),
      ],
    });
    await renderApp(bridge);
    const row = rowOf('r');
    expect(within(row).getByTestId('row-state').textContent).toBe('Retrying');
    expect(within(row).getByTestId('row-retrying').textContent).toMatch(/^Retrying in 1[12] s: connection refused by 127\.0\.0\.1:7482 \(CreateMultipartUpload: ECONNREFUSED\), attempt 3 of 10$/);
    expect(within(row).queryByTestId('row-speed')).toBeNull();
    expect(within(rowOf('q')).getByTestId('row-state').textContent).toBe('Retrying');
    expect(within(rowOf('ok')).getByTestId('row-state').textContent).toBe('Uploading');
    expect(within(rowOf('ok')).queryByTestId('row-retrying')).toBeNull();
  });

  it('a failed or paused row shows its own state, not a stale retry', async () => {
    const at = new Date(Date.now() + 12_000).toISOString();
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'f', state: 'failed', lastError: cause, retrying: { at, cause, attempt: 10, of: 10 } })] });
    await renderApp(bridge);
    expect(within(rowOf('f')).getByTestId('row-state').textContent).toBe('Failed');
    expect(within(rowOf('f')).queryByTestId('row-retrying')).toBeNull();
  });

  it('counts down to "now"', () => {
    const retrying = { at: new Date(100_000).toISOString(), cause: 'x', attempt: 2, of: 10 };
    expect(retryText(retrying, 88_000)).toBe('Retrying in 12 s: x, attempt 2 of 10');
    expect(retryText(retrying, 99_500)).toBe('Retrying in 1 s: x, attempt 2 of 10');
    expect(retryText(retrying, 100_000)).toBe('Retrying now: x, attempt 2 of 10');
  });
});
