import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSamePage, isTrustedSender, untrustedReason } from './sender-check.ts';

/** APP_PAGE_URL (app-scheme.ts): Hoist's page on its own scheme. */
const expectedUrl = 'hoist://app/index.html';
/** Where the bundle's page lies on disk: served as a file, it is not Hoist's page. */
const bundleFile = pathToFileURL('/opt/Hoist/resources/app.asar/dist/renderer/index.html').href;
const trusted = { senderUrl: expectedUrl, isMainFrame: true, isOurWindow: true, expectedUrl };

describe('isTrustedSender', () => {
  it('trusts the main frame of our window on our page', () => {
    expect(isTrustedSender(trusted)).toBe(true);
    expect(untrustedReason(trusted)).toBeUndefined();
  });

  it('ignores the query and the fragment of our page', () => {
    expect(isTrustedSender({ ...trusted, senderUrl: `${expectedUrl}#/targets` })).toBe(true);
    expect(isTrustedSender({ ...trusted, senderUrl: `${expectedUrl}?view=queue` })).toBe(true);
  });

  it('refuses another window, an iframe and a frame that is gone', () => {
    expect(untrustedReason({ ...trusted, isOurWindow: false })).toBe('not from the Hoist window');
    expect(untrustedReason({ ...trusted, isMainFrame: false })).toBe('not from the main frame');
    expect(untrustedReason({ ...trusted, senderUrl: undefined })).toBe('the sending frame is gone');
  });

  it('refuses other pages, whatever the scheme', () => {
    for (const senderUrl of [
      'https://evil.example/index.html',
      'http://localhost:5173/',
      'file:///tmp/evil/index.html',
      bundleFile,
      'hoist://app/other.html',
      'hoist://evil/index.html',
      'hoist://app:8080/index.html',
      'hoist://user@app/index.html',
      'hoist-x://app/index.html',
      'data:text/html,<script>hoist.invoke()</script>',
      'about:blank',
      'devtools://devtools/bundled/index.html',
      'not a url',
      '',
    ]) {
      expect(isTrustedSender({ ...trusted, senderUrl }), senderUrl).toBe(false);
      expect(untrustedReason({ ...trusted, senderUrl })).toMatch(/unexpected page/);
    }
  });
});

describe('isSamePage', () => {
  it('compares decoded paths, so percent-encoding does not matter', () => {
    expect(isSamePage('hoist://app/%69ndex.html', expectedUrl)).toBe(true);
    expect(isSamePage('hoist://app/Index.html', expectedUrl)).toBe(false);
  });

  it('normalises dot segments before comparing', () => {
    expect(isSamePage('hoist://app/assets/../index.html', expectedUrl)).toBe(true);
  });

  it('refuses undecodable paths, and file: pages even when expected (any local file would be "self" there)', () => {
    expect(isSamePage('hoist://app/%E0%A4%A', 'hoist://app/%E0%A4%A')).toBe(false);
    expect(isSamePage(bundleFile, bundleFile)).toBe(false);
  });
});
