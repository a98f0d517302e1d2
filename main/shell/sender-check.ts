/**
 * Who may call main over IPC: only the main frame of Hoist's own window, and
 * only while it shows Hoist's own page. Pure (no electron import) so it is
 * unit-tested in plain Node; trusted-ipc.ts gathers the facts from the event.
 */
export interface SenderFacts {
  /** The URL of the frame that sent the request; undefined when the frame is gone. */
  senderUrl: string | undefined;
  /** The sender is the top-level frame of its webContents (not an iframe). */
  isMainFrame: boolean;
  /** The sender's webContents is Hoist's window. */
  isOurWindow: boolean;
  /** Hoist's page on its own scheme (hoist://app/index.html). */
  expectedUrl: string;
}

/** Why a sender is refused, or undefined when it is trusted. */
export function untrustedReason({ senderUrl, isMainFrame, isOurWindow, expectedUrl }: SenderFacts): string | undefined {
  if (!isOurWindow) return 'not from the Hoist window';
  if (!isMainFrame) return 'not from the main frame';
  if (senderUrl === undefined) return 'the sending frame is gone';
  if (!isSamePage(senderUrl, expectedUrl)) return `from an unexpected page (${truncate(senderUrl)})`;
  return undefined;
}

export function isTrustedSender(facts: SenderFacts): boolean {
  return untrustedReason(facts) === undefined;
}

/**
 * Same page: the same scheme and host, no credentials or port, the same
 * decoded path. The query and fragment are the page's own business (routes,
 * state). A file: URL is never our page: Hoist is served from its own scheme.
 */
export function isSamePage(actual: string, expected: string): boolean {
  let a: URL;
  let e: URL;
  try {
    a = new URL(actual);
    e = new URL(expected);
  } catch {
    return false;
  }
  if (a.protocol === 'file:' || a.protocol !== e.protocol) return false;
  if (a.username || a.password || a.port) return false;
  const actualPath = decodePath(a.pathname);
  return a.host === e.host && actualPath !== undefined && actualPath === decodePath(e.pathname);
}

function decodePath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
