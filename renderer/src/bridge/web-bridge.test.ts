import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebBridge, takeToken } from './web-bridge.ts';

/** Just enough of EventSource to drive the bridge. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.(new Event('open'));
  }

  send(data: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }

  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }

  close() {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }
}

function jsonResponse(body: unknown, status = 200) {
  return { ok: status < 400, status, json: async () => body } as unknown as Response;
}

describe('web bridge', () => {
  let fetchMock: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    sessionStorage.clear();
    FakeEventSource.instances = [];
    fetchMock = vi.fn(async () => jsonResponse({ ok: true, value: [] }));
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('EventSource', FakeEventSource);
    window.history.replaceState(null, '', '/?view=main#token=s3cr3t-token');
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('takes the token from the URL hash, keeps it for reloads and hides it from the address bar', () => {
    expect(takeToken()).toBe('s3cr3t-token');
    expect(window.location.hash).toBe('');
    expect(window.location.search).toBe('?view=main');
    expect(sessionStorage.getItem('hoist.token')).toBe('s3cr3t-token');
    // A reload of the same tab has no hash any more, but still the token.
    expect(takeToken()).toBe('s3cr3t-token');
  });

  it('invokes over POST with the token header and returns the envelope', async () => {
    const bridge = createWebBridge();
    fetchMock.mockResolvedValueOnce(jsonResponse({ ok: true, value: { added: [], rejected: [] } }));

    const answer = await bridge.invoke('uploads.add', { paths: ['/data/a.bin'], targetId: 't-1' });

    expect(answer).toEqual({ ok: true, value: { added: [], rejected: [] } });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/invoke/uploads.add');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/json', 'x-hoist-token': 's3cr3t-token' });
    expect(JSON.parse(String(init.body))).toEqual({ paths: ['/data/a.bin'], targetId: 't-1' });
    expect(bridge.grantDroppedFiles).toBeUndefined();
  });

  it('passes error envelopes through and turns transport failures into envelopes', async () => {
    const bridge = createWebBridge();
    fetchMock.mockResolvedValueOnce(jsonResponse({ ok: false, error: { code: 'forbidden', message: 'wrong token' } }, 403));
    expect(await bridge.invoke('app.info', {})).toEqual({ ok: false, error: { code: 'forbidden', message: 'wrong token' } });

    fetchMock.mockResolvedValueOnce({ ok: false, status: 502, json: async () => Promise.reject(new SyntaxError('not json')) } as unknown as Response);
    const bad = await bridge.invoke('app.info', {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('HTTP 502');

    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const down = await bridge.invoke('app.info', {});
    expect(down).toEqual({ ok: false, error: { code: 'failed', message: 'Cannot reach Hoist: is it still running?' } });
  });

  it('refuses to call without a token instead of sending an unauthenticated request', async () => {
    window.history.replaceState(null, '', '/');
    const bridge = createWebBridge();
    const answer = await bridge.invoke('app.info', {});
    expect(answer.ok).toBe(false);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('shares one EventSource and dispatches each event to its listeners', () => {
    const bridge = createWebBridge();
    const changed = vi.fn();
    const changedToo = vi.fn();
    const removed = vi.fn();
    const offChanged = bridge.on('uploads.changed', changed);
    bridge.on('uploads.changed', changedToo);
    const offRemoved = bridge.on('uploads.removed', removed);

    expect(FakeEventSource.instances).toHaveLength(1);
    const stream = FakeEventSource.instances[0] as FakeEventSource;
    expect(stream.url).toBe('/api/events?token=s3cr3t-token');
    stream.open();

    stream.send({ event: 'uploads.changed', payload: { uploads: [] } });
    stream.send({ event: 'uploads.removed', payload: { ids: ['u1'] } });
    stream.send({ event: 'not.an.event', payload: {} });
    stream.send('not json at all');

    expect(changed).toHaveBeenCalledWith({ uploads: [] });
    expect(changedToo).toHaveBeenCalledTimes(1);
    expect(removed).toHaveBeenCalledWith({ ids: ['u1'] });

    offChanged();
    stream.send({ event: 'uploads.changed', payload: { uploads: [] } });
    expect(changed).toHaveBeenCalledTimes(1);
    expect(changedToo).toHaveBeenCalledTimes(2);

    offRemoved();
    expect(stream.closed).toBe(false); // changedToo still listens
  });

  it('closes the stream when the last listener leaves', () => {
    const bridge = createWebBridge();
    const off = bridge.on('notice', () => {});
    off();
    expect((FakeEventSource.instances[0] as FakeEventSource).closed).toBe(true);
  });

  it('reports a lost stream once, and a reconnect so the UI can reload', () => {
    vi.useFakeTimers();
    const bridge = createWebBridge();
    const notices = vi.fn();
    const reconnected = vi.fn();
    bridge.on('notice', notices);
    bridge.onReconnect(reconnected);
    const first = FakeEventSource.instances[0] as FakeEventSource;
    first.open();

    // The browser retries by itself (CONNECTING)…
    first.fail(FakeEventSource.CONNECTING);
    first.fail(FakeEventSource.CONNECTING);
    expect(notices).toHaveBeenCalledTimes(1);
    expect(notices.mock.calls[0]?.[0]).toMatchObject({ level: 'warning' });
    first.open();
    expect(reconnected).toHaveBeenCalledTimes(1);

    // …but not after the server refused the stream (CLOSED): then the bridge does.
    first.fail(FakeEventSource.CLOSED);
    expect(FakeEventSource.instances).toHaveLength(1);
    vi.advanceTimersByTime(3000);
    expect(FakeEventSource.instances).toHaveLength(2);
    (FakeEventSource.instances[1] as FakeEventSource).open();
    expect(reconnected).toHaveBeenCalledTimes(2);
  });
});
