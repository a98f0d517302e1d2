import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSamePage, isTrustedSender, untrustedReason } from './sender-check.ts';

const expectedUrl = pathToFileURL('/opt/Hoist/resources/app.asar/dist/renderer/index.html').href;
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
      'file:///opt/Hoist/resources/app.asar/dist/renderer/other.html',
      'file:///opt/Hoist/resources/app.asar/dist/renderer/index.html/../../evil.html',
      'file://remote-host/opt/Hoist/resources/app.asar/dist/renderer/index.html',
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
    const spaced = pathToFileURL('/home/ann/My Apps/Hoist/dist/renderer/index.html').href;
    expect(spaced).toContain('%20');
    expect(isSamePage('file:///home/ann/My%20Apps/Hoist/dist/renderer/index.html', spaced)).toBe(true);
    expect(isSamePage('file:///home/ann/My%20Apps/Hoist/dist/renderer/Index.html', spaced)).toBe(false);
  });

  it('normalises dot segments before comparing', () => {
    expect(isSamePage('file:///opt/x/../Hoist/resources/app.asar/dist/renderer/index.html', expectedUrl)).toBe(true);
  });

  it('refuses undecodable paths and non-file expected URLs', () => {
    expect(isSamePage('file:///opt/%E0%A4%A/index.html', 'file:///opt/%E0%A4%A/index.html')).toBe(false);
    expect(isSamePage('https://hoist.example/', 'https://hoist.example/')).toBe(false);
  });
});
