import { render } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';
import { FakeBridge } from '../test/fake-bridge.ts';
import { HoistProvider } from './hoist-context.tsx';

describe('HoistProvider', () => {
  it('asks main for its state during the first commit, before the browser gets to paint', () => {
    const bridge = new FakeBridge();
    const seenByFirstEffect: string[][] = [];
    // A plain effect runs only after the commit (and, outside tests, after the
    // first paint); by then the requests must already have gone out.
    function Probe() {
      useEffect(() => {
        seenByFirstEffect.push(bridge.calls.map((call) => call.name));
      }, []);
      return null;
    }
    render(
      <HoistProvider bridge={bridge}>
        <Probe />
      </HoistProvider>,
    );
    expect(seenByFirstEffect[0]).toEqual(expect.arrayContaining(['uploads.list', 'targets.list', 'settings.get', 'app.info']));
  });
});
