import { describe, expect, it } from 'vitest';
import { allowedOrigins, guardApiRequest, headerValue, isAllowedHost, isAllowedOrigin, tokensEqual } from './request-guard.ts';

const server = { port: 43117, token: 'a-long-random-token-0123456789' };
const good = { host: '127.0.0.1:43117', origin: 'http://127.0.0.1:43117', token: server.token };

describe('guardApiRequest', () => {
  it('allows the page this server served: right host, own origin, right token', () => {
    expect(guardApiRequest(good, server)).toEqual({ allow: true });
  });

  it('allows a request without Origin (same-origin GET such as EventSource)', () => {
    expect(guardApiRequest({ ...good, origin: undefined }, server)).toEqual({ allow: true });
  });

  it('allows localhost as the host and origin', () => {
    expect(guardApiRequest({ host: 'localhost:43117', origin: 'http://localhost:43117', token: server.token }, server)).toEqual({ allow: true });
  });

  it('refuses a missing or wrong token with 401 forbidden', () => {
    for (const token of [undefined, '', 'wrong', `${server.token}x`, server.token.slice(0, -1), server.token.toUpperCase()]) {
      expect(guardApiRequest({ ...good, token }, server)).toMatchObject({ allow: false, status: 401, code: 'forbidden' });
    }
  });

  it('refuses another origin with 403, even with the right token', () => {
    for (const origin of ['http://evil.example', 'http://127.0.0.1:1', 'https://127.0.0.1:43117', 'null', 'http://127.0.0.1:43117.evil.example', '']) {
      expect(guardApiRequest({ ...good, origin }, server)).toMatchObject({ allow: false, status: 403, code: 'forbidden' });
    }
  });

  it('refuses a foreign or missing Host with 403 (DNS rebinding), before looking at anything else', () => {
    for (const host of [undefined, '', 'evil.example:43117', '127.0.0.1', '127.0.0.1:80', 'localhost', '0.0.0.0:43117', '[::1]:43117', '127.0.0.2:43117']) {
      expect(guardApiRequest({ ...good, host }, server)).toMatchObject({ allow: false, status: 403 });
    }
    expect(guardApiRequest({ host: 'evil.example:43117', origin: undefined, token: undefined }, server)).toMatchObject({ status: 403 });
  });

  it('checks the origin before the token', () => {
    expect(guardApiRequest({ ...good, origin: 'http://evil.example', token: undefined }, server)).toMatchObject({ status: 403 });
  });

  it('never allows anything when the server token is empty', () => {
    expect(guardApiRequest({ ...good, token: '' }, { ...server, token: '' })).toMatchObject({ allow: false, status: 401 });
  });
});

describe('parts of the guard', () => {
  it('hosts and origins are compared without case', () => {
    expect(isAllowedHost('LOCALHOST:43117', 43117)).toBe(true);
    expect(isAllowedOrigin('HTTP://127.0.0.1:43117', 43117)).toBe(true);
    expect(allowedOrigins(8080)).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080']);
  });

  it('tokensEqual is exact', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual(undefined, 'abc')).toBe(false);
    expect(tokensEqual('', '')).toBe(false);
  });

  it('a repeated header never looks absent', () => {
    expect(headerValue(['http://a', 'http://b'])).toBe('http://a, http://b');
    expect(isAllowedOrigin(headerValue(['http://127.0.0.1:1', 'http://127.0.0.1:1']), 1)).toBe(false);
    expect(headerValue(undefined)).toBeUndefined();
  });
});
