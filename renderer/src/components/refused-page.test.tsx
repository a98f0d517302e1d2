import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/ipc-contract.ts';
import { App } from '../app.tsx';
import { HoistProvider } from '../state/hoist-context.tsx';
import { FakeBridge } from '../test/fake-bridge.ts';

const refused: Envelope<never> = { ok: false, error: { code: 'forbidden', message: 'missing or wrong token: open the URL Hoist printed at start' } };

describe('a page Hoist refuses', () => {
  it('says it needs the link Hoist printed instead of showing an empty queue and no targets', async () => {
    const bridge = new FakeBridge({ handlers: { 'app.info': () => refused, 'uploads.list': () => refused, 'targets.list': () => refused, 'settings.get': () => refused } });
    render(
      <HoistProvider bridge={bridge}>
        <App />
      </HoistProvider>,
    );
    await act(async () => {});

    expect(screen.getByRole('alert').textContent).toContain('This page needs the link Hoist printed');
    expect(screen.getByRole('alert').textContent).toContain('Hoist said: Missing or wrong token');
    expect(screen.queryByText(/No targets yet/)).toBeNull();
    expect(screen.queryByText(/No uploads yet/)).toBeNull();
    expect(screen.queryByTestId('notice')).toBeNull();
  });

  it('any other failure is a notice over the window as before', async () => {
    const bridge = new FakeBridge({ handlers: { 'targets.list': () => ({ ok: false, error: { code: 'failed', message: 'disk on fire' } }) } });
    render(
      <HoistProvider bridge={bridge}>
        <App />
      </HoistProvider>,
    );
    await act(async () => {});

    expect(screen.queryByText('This page needs the link Hoist printed')).toBeNull();
    expect(screen.getByTestId('notice').textContent).toContain('Disk on fire');
  });
});
