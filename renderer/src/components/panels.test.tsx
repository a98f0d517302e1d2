import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { FakeBridge, HEADLESS_INFO, makeTarget, makeUpload } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

const flush = () => act(async () => {});
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('targets panel', () => {
  it('rejects an invalid bucket name without sending', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);

    type('target-name', 'Backups');
    type('target-bucket', 'My_Bucket');
    fireEvent.click(screen.getByTestId('target-save'));
    await flush();

    expect(bridge.inputsOf('targets.save')).toEqual([]);
    const form = screen.getByTestId('target-form');
    expect(within(form).getByTestId('field-error').textContent).toContain('Not a valid bucket name');
    expect((screen.getByTestId('target-bucket') as HTMLInputElement).getAttribute('aria-invalid')).toBe('true');
  });

  it('saves access keys with the secret once, then never shows it', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);

    type('target-name', 'MinIO');
    type('target-endpoint', 'http://127.0.0.1:9000');
    type('target-bucket', 'media');
    fireEvent.click(screen.getByTestId('target-path-style'));
    fireEvent.click(screen.getByTestId('target-cred-keys'));
    type('target-access-key-id', 'AKIAEXAMPLE');
    type('target-secret', 'very-secret-value');
    fireEvent.click(screen.getByTestId('target-expiry-never'));
    fireEvent.click(screen.getByTestId('target-save'));
    await flush();

    const [sent] = bridge.inputsOf('targets.save');
    expect(sent?.secretAccessKey).toBe('very-secret-value');
    expect(sent?.target).toMatchObject({
      name: 'MinIO',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      bucket: 'media',
      pathStyle: true,
      credentials: { kind: 'keys', accessKeyId: 'AKIAEXAMPLE' },
      expiryDays: null,
    });
    expect(sent?.target.id).toMatch(/^t-[0-9a-f]{16}$/);

    // Saved: the list shows it, the form is empty again, the secret is nowhere in the page.
    expect(screen.getByTestId('target-form-status').textContent).toBe('Saved “MinIO”.');
    const item = screen.getAllByTestId('target-item').find((el) => el.textContent?.includes('MinIO'));
    expect(item?.textContent).toContain('secret stored');
    expect(document.body.innerHTML).not.toContain('very-secret-value');

    // Editing shows "secret stored", with an empty password field.
    fireEvent.click(within(item as HTMLElement).getByTestId('target-edit'));
    expect(screen.getByTestId('secret-stored')).toBeTruthy();
    expect((screen.getByTestId('target-secret') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('target-secret') as HTMLInputElement).type).toBe('password');
    expect(document.body.innerHTML).not.toContain('very-secret-value');

    // Saving an edit without typing a secret keeps the stored one: none is sent.
    type('target-name', 'MinIO 2');
    fireEvent.click(screen.getByTestId('target-save'));
    await flush();
    expect(bridge.inputsOf('targets.save')[1]).not.toHaveProperty('secretAccessKey');
  });

  it('requires a secret for new access keys', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    type('target-name', 'Keys');
    type('target-bucket', 'media');
    fireEvent.click(screen.getByTestId('target-cred-keys'));
    type('target-access-key-id', 'AKIA');
    fireEvent.click(screen.getByTestId('target-save'));
    await flush();
    expect(bridge.inputsOf('targets.save')).toEqual([]);
    expect(screen.getByTestId('target-form').textContent).toContain('Enter the secret access key.');
  });

  it('disables access keys when the system cannot store secrets', async () => {
    await renderApp(new FakeBridge({ appInfo: { ...HEADLESS_INFO, secretStorage: 'unavailable' } }));
    expect((screen.getByTestId('target-cred-keys') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('keys-unavailable').textContent).toContain('no encrypted storage');
  });

  it('removes a target', async () => {
    const bridge = new FakeBridge({ targets: [makeTarget({ id: 't-a', name: 'A' }), makeTarget({ id: 't-b', name: 'B' })] });
    await renderApp(bridge);
    const itemB = screen.getAllByTestId('target-item').find((el) => el.dataset.targetId === 't-b') as HTMLElement;
    fireEvent.click(within(itemB).getByTestId('target-remove'));
    await flush();
    expect(bridge.inputsOf('targets.remove')).toEqual([{ id: 't-b' }]);
    expect(screen.getAllByTestId('target-item').map((el) => el.dataset.targetId)).toEqual(['t-a']);
  });
});

describe('settings panel', () => {
  it('shows the settings from main and sends only what changed', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    expect((screen.getByTestId('settings-part-size') as HTMLInputElement).value).toBe(String(DEFAULT_SETTINGS.partSizeMiB));

    type('settings-concurrency', '8');
    type('settings-bandwidth', '2048');
    fireEvent.click(screen.getByTestId('settings-notifications'));
    fireEvent.click(screen.getByTestId('settings-save'));
    await flush();

    expect(bridge.inputsOf('settings.set')).toEqual([{ concurrency: 8, bandwidthLimitKiBps: 2048, notifications: false }]);
    expect((screen.getByTestId('settings-concurrency') as HTMLInputElement).value).toBe('8');
    expect(screen.getByTestId('settings-status').textContent).toBe('Saved.');
  });

  it('shows field errors and sends nothing for out-of-range values', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    type('settings-part-size', '2');
    type('settings-concurrency', '');
    fireEvent.click(screen.getByTestId('settings-save'));
    await flush();

    expect(bridge.inputsOf('settings.set')).toEqual([]);
    const errors = within(screen.getByTestId('settings-panel'))
      .getAllByTestId('field-error')
      .map((el) => el.textContent);
    expect(errors).toEqual(['A whole number from 5 to 5120.', 'A whole number from 1 to 64.']);
  });
});

describe('notices', () => {
  it('turns an envelope error into a dismissable notice with the message only', async () => {
    const bridge = new FakeBridge({
      uploads: [makeUpload()],
      handlers: {
        'uploads.pauseAll': () => ({
          ok: false,
          error: { code: 'failed', message: 'database is locked\n    at Statement.run (main/store/x.ts:10:5)\n    at pauseAll (main/engine/y.ts:3:1)' },
        }),
      },
    });
    await renderApp(bridge);
    fireEvent.click(screen.getByTestId('pause-all'));
    await flush();

    const notice = screen.getByTestId('notice');
    expect(notice.dataset.level).toBe('error');
    expect(notice.textContent).toContain('Database is locked');
    expect(notice.textContent).not.toContain('at Statement.run');
    fireEvent.click(within(notice).getByTestId('notice-dismiss'));
    expect(screen.queryByTestId('notice')).toBeNull();
  });

  it('shows notices main sends', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    bridge.emit('notice', { level: 'warning', message: 'The server discarded holiday.mov; starting again.' });
    expect(screen.getByTestId('notice').dataset.level).toBe('warning');
  });

  it('turns a bridge that throws into a notice too', async () => {
    const bridge = new FakeBridge({
      uploads: [makeUpload({ state: 'paused' })],
      handlers: {
        'uploads.resumeAll': () => {
          throw new Error("Error invoking remote method 'hoist:uploads.resumeAll': reply was never sent");
        },
      },
    });
    await renderApp(bridge);
    fireEvent.click(screen.getByTestId('resume-all'));
    await flush();
    expect(screen.getByTestId('notice').textContent).toContain('reply was never sent');
  });
});
