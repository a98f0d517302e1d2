import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_PAGE_URL, APP_SCHEME, appSchemeResponse, registerAppScheme, serveAppScheme } from './app-scheme.ts';
import { fake, resetFakeElectron } from './testing/fake-electron.ts';
import { CONTENT_SECURITY_POLICY } from './window.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

let dir: string;
let rendererDir: string;
const logged: string[] = [];
const get = (url: string, method = 'GET') => appSchemeResponse(new Request(url, { method }), rendererDir, (m) => logged.push(m));

beforeEach(async () => {
  resetFakeElectron();
  logged.length = 0;
  dir = await mkdtemp(join(tmpdir(), 'hoist-scheme-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Hoist</title>');
  await writeFile(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'not for the page');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hoist://app/', () => {
  it('is registered as a standard, secure scheme and nothing more, and served from the bundle folder', async () => {
    registerAppScheme();
    expect(fake.privilegedSchemes).toEqual([{ scheme: 'hoist', privileges: { standard: true, secure: true } }]);
    serveAppScheme(rendererDir, () => undefined);
    const served = await fake.protocolHandlers.get(APP_SCHEME)!(new Request(APP_PAGE_URL));
    expect(await served.text()).toContain('<title>Hoist</title>');
  });

  it('serves the page with the CSP, and its assets with their types', async () => {
    const page = await get('hoist://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('hoist://app/')).status).toBe(200);
    const script = await get('hoist://app/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    const head = await get('hoist://app/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers nothing outside the bundle: traversal, a link out of it, another host, other methods, unknown files', async () => {
    await symlink(join(dir, 'secret.txt'), join(rendererDir, 'assets', 'link.js'));
    const refused = [
      ['hoist://app/..%2Fsecret.txt', 404],
      ['hoist://app/assets/..%2F..%2Fsecret.txt', 404],
      ['hoist://app/%2e%2e/secret.txt', 404],
      ['hoist://app/assets/link.js', 404],
      ['hoist://app/missing.js', 404],
      ['hoist://app/assets', 404],
      ['hoist://other/index.html', 404],
      ['hoist://app/%E0%A4%A.js', 404],
    ] as const;
    for (const [url, status] of refused) {
      const response = await get(url);
      expect(response.status, url).toBe(status);
      expect(await response.text(), url).toBe('');
    }
    await writeFile(join(rendererDir, 'notes.txt'), 'x');
    expect((await get('hoist://app/notes.txt')).status).toBe(404);
    expect((await get('hoist://app/index.html', 'POST')).status).toBe(405);
    expect(logged.every((line) => line.startsWith('hoist:// refused'))).toBe(true);
  });
});

describe('packaging', () => {
  it('turns off the fuse that gives file:// pages extra privileges, as the page no longer needs them', async () => {
    const config = await readFile(join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8');
    const fuses = config.slice(config.indexOf('electronFuses:'));
    expect(fuses).toMatch(/^\s+grantFileProtocolExtraPrivileges: false$/m);
  });
});
