import { act, render, screen } from '@testing-library/react';
import { App } from '../app.tsx';
import { HoistProvider } from '../state/hoist-context.tsx';
import type { FakeBridge } from './fake-bridge.ts';

/** Renders the whole app on a fake bridge and waits until the first loads have landed. */
export async function renderApp(bridge: FakeBridge) {
  const result = render(
    <HoistProvider bridge={bridge}>
      <App />
    </HoistProvider>,
  );
  // The initial requests answer in microtasks: wait for one visible result, then flush the rest.
  await screen.findByTestId('settings-part-size');
  await act(async () => {});
  return result;
}
