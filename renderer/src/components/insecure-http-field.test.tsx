import { act, fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBridge } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

const flush = () => act(async () => {});
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

describe('a plain http:// endpoint in the target form', () => {
  it('off this machine: warns, and saves only once the user allows it for this target', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    type('target-name', 'NAS');
    type('target-bucket', 'media');
    type('target-endpoint', 'http://10.0.0.5:9000');

    expect(screen.getByTestId('insecure-http-warning').textContent).toContain('travel unencrypted');
    fireEvent.click(screen.getByTestId('target-save'));
    await flush();
    expect(bridge.inputsOf('targets.save')).toEqual([]);
    expect(screen.getAllByTestId('field-error').map((el) => el.textContent)).toContainEqual(expect.stringContaining('plain http:// sends keys and data unencrypted'));

    fireEvent.click(screen.getByTestId('target-allow-insecure-http'));
    fireEvent.click(screen.getByTestId('target-save'));
    await flush();
    expect(bridge.inputsOf('targets.save')[0]?.target).toMatchObject({ endpoint: 'http://10.0.0.5:9000', allowInsecureHttp: true });
  });

  it('on this machine or over https: no warning, nothing to allow', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    for (const endpoint of ['http://127.0.0.1:7480', 'https://10.0.0.5:9000', '']) {
      type('target-endpoint', endpoint);
      expect(screen.queryByTestId('insecure-http-warning')).toBeNull();
    }
  });
});
