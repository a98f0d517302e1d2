import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBridge, makeOrphan, makeTarget, makeUpload, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

// Notices tied to the state they describe, and forms that say what is wrong
// where it is wrong and keep the keyboard's place (issue 16, points 4 and 8).

const notices = () => screen.queryAllByTestId('notice').map((notice) => notice.textContent);

describe('notices', () => {
  it('goes when the conflict it describes is settled', async () => {
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'c', state: 'conflict', conflict: 'changed' })] });
    await renderApp(bridge);
    bridge.emit('notice', { level: 'warning', uploadId: 'c', about: 'conflict', message: 'c.bin changed since the upload started: choose what to do' });
    expect(notices()).toEqual(['c.bin changed since the upload started: choose what to do×']);

    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'c', state: 'uploading' })] });
    expect(notices()).toEqual([]);
  });

  it('words an expiry warning from the upload now, relative and in the locale, and drops it once the upload is done', async () => {
    const expiresAt = new Date(Date.now() + 6 * 3600_000 + 60_000).toISOString();
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'e', path: '/data/big.iso', expiresAt })] });
    await renderApp(bridge);
    bridge.emit('notice', { level: 'warning', uploadId: 'e', about: 'expiry', message: `big.iso: the server will discard the unfinished upload at ${expiresAt}; let it finish before then` });
    const [text] = notices();
    expect(text).toContain('big.iso: the server will discard the unfinished upload in 6 hours (');
    expect(text).not.toContain(expiresAt);

    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'e', path: '/data/big.iso', state: 'completed', expiresAt: null })] });
    expect(notices()).toEqual([]);
  });

  it('keeps a failure notice while the upload is failed, and drops it when a retry runs', async () => {
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'f', state: 'failed', lastError: 'AccessDenied' })] });
    await renderApp(bridge);
    bridge.emit('notice', { level: 'error', uploadId: 'f', about: 'failed', message: 'f.bin: AccessDenied' });
    bridge.emit('notice', { level: 'info', message: 'Nothing to retry' });
    expect(notices()).toHaveLength(2);
    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'f', state: 'queued' })] });
    // A notice about no upload's state stays until dismissed.
    expect(notices()).toEqual(['Nothing to retry×']);
  });

  it('stops calling an upload "continued by Hoist" in the orphans panel once it completed', async () => {
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'u-1' })], orphans: [makeOrphan({ uploadId: 'mpu-mine', hoistId: 'u-1' })] });
    await renderApp(bridge);
    fireEvent.click(screen.getByTestId('target-orphans'));
    await act(async () => {});
    expect(screen.getByTestId('orphan-tracked')).toBeTruthy();
    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'u-1', state: 'completed' })] });
    expect(screen.queryByTestId('orphan-tracked')).toBeNull();
    expect(screen.getByTestId('orphans-empty')).toBeTruthy();
  });
});

describe('forms', () => {
  it('shows an error beside its field, focused, and clears it as soon as the field changes', async () => {
    await renderApp(new FakeBridge());
    const form = screen.getByTestId('target-form');
    fireEvent.change(within(form).getByTestId('target-name'), { target: { value: 'Lab' } });
    fireEvent.change(within(form).getByTestId('target-bucket'), { target: { value: 'Not_A_Bucket' } });
    fireEvent.click(within(form).getByTestId('target-save'));
    await act(async () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined))));
    const bucket = within(form).getByTestId('target-bucket');
    expect(bucket.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(bucket);
    // The message sits in the bucket's own field.
    expect(bucket.closest('.field')?.querySelector('[data-testid="field-error"]')?.textContent).toContain('Not a valid bucket name');

    fireEvent.change(bucket, { target: { value: 'not-a-bucket-yet' } });
    expect(bucket.getAttribute('aria-invalid')).toBeNull();
    expect(within(form).queryAllByTestId('field-error')).toEqual([]);
  });

  it('brings the edit form into view with its first field focused', async () => {
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push(this);
    };
    await renderApp(new FakeBridge({ targets: [makeTarget()] }));
    fireEvent.click(screen.getByTestId('target-edit'));
    await act(async () => {});
    expect(scrolled).toContain(screen.getByTestId('target-form'));
    expect(document.activeElement).toBe(screen.getByTestId('target-name'));
  });

  it('returns focus to Abort… and Adopt… when their step is closed, and to the list once the upload is gone', async () => {
    let server = [makeOrphan()];
    const bridge = new FakeBridge({
      handlers: {
        'orphans.list': () => ok(server),
        'orphans.abort': () => {
          server = [];
          return ok({ ok: true as const });
        },
      },
    });
    await renderApp(bridge);
    fireEvent.click(screen.getByTestId('target-orphans'));
    await act(async () => {});

    fireEvent.click(screen.getByTestId('orphan-abort'));
    // The safe answer has the focus, and the destructive one looks it.
    expect(document.activeElement).toBe(screen.getByTestId('orphan-abort-cancel'));
    expect(screen.getByTestId('orphan-abort-confirm').className).toContain('button--danger');
    fireEvent.click(screen.getByTestId('orphan-abort-cancel'));
    expect(document.activeElement).toBe(screen.getByTestId('orphan-abort'));

    fireEvent.click(screen.getByTestId('orphan-adopt'));
    expect(document.activeElement).toBe(screen.getByTestId('orphan-adopt-path'));
    fireEvent.click(screen.getByTestId('orphan-adopt-cancel'));
    expect(document.activeElement).toBe(screen.getByTestId('orphan-adopt'));

    fireEvent.click(screen.getByTestId('orphan-abort'));
    fireEvent.click(screen.getByTestId('orphan-abort-confirm'));
    await act(async () => {});
    expect(screen.queryByTestId('orphan-item')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('orphans-title'));
  });
});
