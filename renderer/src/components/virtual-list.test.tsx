import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualList } from './virtual-list.tsx';

/** A ResizeObserver the test drives: jsdom has none, and no layout either. */
class FakeResizeObserver {
  static instances: FakeResizeObserver[] = [];
  constructor(readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.instances.push(this);
  }
  observe() {}
  unobserve() {}
  disconnect() {}
  report() {
    this.callback([], this as unknown as ResizeObserver);
  }
}

function renderList(viewportPx: number) {
  // The height the list would have once laid out; jsdom reports 0 otherwise.
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(viewportPx);
  render(<VirtualList count={1000} rowHeight={100} overscan={0} label="Rows" rowKey={(i) => `r${i}`} renderRow={(i) => <span data-testid="row">{i}</span>} />);
  return () => screen.getAllByTestId('row').length;
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  FakeResizeObserver.instances = [];
});

describe('VirtualList sizing', () => {
  it('starts from the window height and takes its own height from the ResizeObserver, without reading layout during the commit', () => {
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    const rows = renderList(200);
    // Until the observer reports, the window's height stands in (jsdom: 768 px → 8 rows in view + 1).
    expect(rows()).toBe(Math.ceil(window.innerHeight / 100) + 1);
    act(() => FakeResizeObserver.instances.forEach((observer) => observer.report()));
    expect(rows()).toBe(3);
  });

  it('measures at once and on window resizes where there is no ResizeObserver', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    const rows = renderList(200);
    expect(rows()).toBe(3);
  });
});
