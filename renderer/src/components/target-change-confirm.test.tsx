import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Envelope, TargetView } from '../../../shared/ipc-contract.ts';
import { FakeBridge, makeTarget, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

// Headless mode: main refuses a change of an existing target's endpoint with
// its question and a one-time code; the form shows the question as main wrote
// it and sends the same change again with the code only when the user agrees.
const flush = () => act(async () => {});
const QUESTION = 'Change the endpoint of "Main bucket" from AWS S3 to https://s3.elsewhere.example?';

function confirmingBridge() {
  const bridge = new FakeBridge({
    handlers: {
      'targets.save': ({ target, confirmation }): Envelope<TargetView> =>
        confirmation === 'code-1'
          ? ok({ ...makeTarget(), ...target, hasSecret: false })
          : { ok: false, error: { code: 'confirm-required', message: QUESTION, confirm: { code: 'code-1', question: QUESTION } } },
    },
  });
  return bridge;
}

async function editEndpoint(bridge: FakeBridge) {
  await renderApp(bridge);
  fireEvent.click(screen.getByTestId('target-edit'));
  fireEvent.change(screen.getByTestId('target-endpoint'), { target: { value: 'https://s3.elsewhere.example' } });
  fireEvent.click(screen.getByTestId('target-save'));
  await flush();
}

describe('a target change main wants confirmed', () => {
  it('shows main’s question, no error notice, and sends the same change with the code on yes', async () => {
    const bridge = confirmingBridge();
    await editEndpoint(bridge);

    const dialog = screen.getByRole('alertdialog');
    expect(within(dialog).getByTestId('target-change-question').textContent).toBe(QUESTION);
    expect(screen.queryAllByTestId('notice')).toHaveLength(0);
    expect(bridge.inputsOf('targets.save')).toHaveLength(1);
    expect((screen.getByTestId('target-save') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByTestId('target-change-yes'));
    await flush();
    const [first, second] = bridge.inputsOf('targets.save');
    expect(second).toEqual({ target: first!.target, confirmation: 'code-1' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByTestId('target-form-status').textContent).toBe('Saved “Main bucket”.');
  });

  it('sends nothing more on no, and keeps the edit for another try', async () => {
    const bridge = confirmingBridge();
    await editEndpoint(bridge);
    fireEvent.click(screen.getByTestId('target-change-no'));
    await flush();
    expect(bridge.inputsOf('targets.save')).toHaveLength(1);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect((screen.getByTestId('target-endpoint') as HTMLInputElement).value).toBe('https://s3.elsewhere.example');
    expect((screen.getByTestId('target-save') as HTMLButtonElement).disabled).toBe(false);
  });
});
