// The headless mode's bridge: the same HoistBridge the Electron preload gives,
// carried over HTTP to Hoist's local server. Requests are POSTs that answer with
// an Envelope; events arrive on one Server-Sent Events stream.
//
// The server only answers callers holding the token it printed at start-up
// (the page URL ends with #token=…). A hash never reaches the server in a
// request line or a Referer header, and we remove it from the address bar at
// once so it does not linger in history, bookmarks or screenshots.
import { isEventName } from '../../../shared/ipc-contract.ts';
import type {
  Envelope,
  ErrorCode,
  EventName,
  EventPayload,
  HoistBridge,
  RequestInput,
  RequestName,
  RequestOutput,
} from '../../../shared/ipc-contract.ts';

const TOKEN_STORAGE_KEY = 'hoist.token';
/** After the server refused or closed the stream for good, try again this often. */
const RECONNECT_DELAY_MS = 3000;

/** A bridge that can also tell when its event stream came back after a gap (events may have been missed). */
export interface ReconnectingBridge extends HoistBridge {
  onReconnect(listener: () => void): () => void;
}

export function canReportReconnects(bridge: HoistBridge): bridge is ReconnectingBridge {
  return typeof (bridge as Partial<ReconnectingBridge>).onReconnect === 'function';
}

/** The notice shown while the event stream is down; it goes once the stream is back. */
export const CONNECTION_LOST_MESSAGE = 'Lost the connection to Hoist; reconnecting…';

/**
 * Takes the token from `#token=…` (and forgets the hash), or from sessionStorage
 * after a reload of the same tab. sessionStorage, not localStorage: the token
 * lasts across server restarts (it is saved in the state directory) but should
 * not outlive the tab in the browser's storage; the printed link brings it back.
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'> = window): string | null {
  const params = new URLSearchParams(win.location.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token still works for this page's lifetime.
    }
    win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
    return fromHash;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

export interface WebBridgeOptions {
  /** Defaults to the token in the page URL (see takeToken). */
  token?: string | null;
}

function failure(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { ok?: unknown; error?: { message?: unknown } };
  if (candidate.ok === true) return 'value' in candidate;
  return candidate.ok === false && typeof candidate.error?.message === 'string';
}

type AnyListener = (payload: unknown) => void;

export function createWebBridge(options: WebBridgeOptions = {}): ReconnectingBridge {
  const token = options.token !== undefined ? options.token : takeToken();
  const listeners = new Map<EventName, Set<AnyListener>>();
  const reconnectListeners = new Set<() => void>();
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let everOpened = false;
  let gap = false;

  const listenerCount = () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);

  function dispatch(event: EventName, payload: unknown): void {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One broken listener must not starve the others of the event.
        console.error(`hoist: a listener for ${event} failed`, error);
      }
    }
  }

  function openStream(): void {
    if (source || !token) return;
    const stream = new EventSource('/api/events?token=' + encodeURIComponent(token));
    source = stream;
    stream.onopen = () => {
      if (everOpened && gap) for (const listener of [...reconnectListeners]) listener();
      everOpened = true;
      gap = false;
    };
    stream.onmessage = (message: MessageEvent) => {
      let data: { event?: unknown; payload?: unknown };
      try {
        data = JSON.parse(String(message.data)) as typeof data;
      } catch {
        return; // not ours (a comment or keep-alive in another shape)
      }
      // Payloads are not re-validated here: main builds them from the same
      // schemas, and parsing 10,000 rows ten times a second would cost the UI.
      if (data && isEventName(data.event)) dispatch(data.event, data.payload);
    };
    stream.onerror = () => {
      if (!gap && everOpened) {
        dispatch('notice', { level: 'warning', message: CONNECTION_LOST_MESSAGE });
      }
      gap = true;
      // EventSource retries by itself unless the server refused the stream
      // (CLOSED); then we retry on our own, for as long as someone listens.
      if (stream.readyState === EventSource.CLOSED) {
        stream.close();
        source = null;
        if (!retryTimer) {
          retryTimer = setTimeout(() => {
            retryTimer = null;
            if (listenerCount() > 0) openStream();
          }, RECONNECT_DELAY_MS);
        }
      }
    };
  }

  function closeStreamIfUnused(): void {
    if (listenerCount() > 0) return;
    source?.close();
    source = null;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  return {
    async invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Envelope<RequestOutput<N>>> {
      if (!token) {
        return failure('forbidden', 'This page has no access token: open the link Hoist printed when it started (it ends with #token=…).');
      }
      let response: Response;
      try {
        response = await fetch('/api/invoke/' + name, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hoist-token': token },
          body: JSON.stringify(input),
        });
      } catch {
        return failure('failed', 'Cannot reach Hoist: is it still running?');
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      // The server answers with an Envelope even for errors (403, 400…): prefer its message.
      if (isEnvelope(body)) return body as Envelope<RequestOutput<N>>;
      return failure('failed', `Hoist answered ${name} with HTTP ${response.status} and no readable result.`);
    },

    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(name) ?? new Set<AnyListener>();
      listeners.set(name, set);
      // Wrap so the same function subscribed twice still unsubscribes independently.
      const entry: AnyListener = (payload) => listener(payload as EventPayload<E>);
      set.add(entry);
      openStream();
      return () => {
        set.delete(entry);
        closeStreamIfUnused();
      };
    },

    onReconnect(listener: () => void): () => void {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    // No grantDroppedFiles: a browser never reveals where a dropped file lives.
  };
}
