import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { protocol } from 'electron';
import { CONTENT_SECURITY_POLICY } from './window.ts';

/*
 * The window's page comes from hoist://app/, a privileged custom scheme, not
 * from file://. Under file: the CSP's 'self' covers every local file, and
 * pages get file:'s extra privileges; hoist://app/ serves only the renderer
 * bundle's folder, so 'self' means exactly Hoist's own files. (Packaging turns
 * the grantFileProtocolExtraPrivileges fuse off: see electron-builder.yml.)
 */
export const APP_SCHEME = 'hoist';
export const APP_HOST = 'app';
/** The page the window loads; the sender check expects exactly this page. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Before the app is ready: the scheme is standard (origins and relative URLs
 * work as on https) and secure (a secure context). Nothing more: no CSP
 * bypass, no fetch or CORS from other origins.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** After ready: hoist://app/<path> answers files under `rendererDir`, and nothing else. */
export function serveAppScheme(rendererDir: string, log: (message: string) => void): void {
  protocol.handle(APP_SCHEME, (request) => appSchemeResponse(request, rendererDir, log));
}

/** The answer to one request: a file of the bundle, or a plain refusal. */
export async function appSchemeResponse(request: Request, rendererDir: string, log: (message: string) => void): Promise<Response> {
  const refuse = (status: number, why: string) => {
    log(`hoist:// refused ${request.method} ${request.url.slice(0, 200)}: ${why}`);
    return new Response(null, { status });
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'only GET and HEAD');
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (url.host !== APP_HOST || url.username || url.password || url.port) return refuse(404, 'not Hoist\'s own host');
  const file = await bundleFile(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
  if (!file) return refuse(404, 'not a file of the bundle');
  const type = TYPES[extname(file).toLowerCase()];
  if (!type) return refuse(404, 'not a kind of file the page loads');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return refuse(404, 'unreadable');
  }
  const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };
  if (type.startsWith('text/html')) headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

/** The real path of the file a URL path names, only when it lies inside the bundle's folder (links resolved). */
async function bundleFile(rendererDir: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  try {
    const root = await realpath(rendererDir);
    const real = await realpath(join(root, decoded));
    const rel = relative(root, real);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? real : undefined;
  } catch {
    return undefined;
  }
}
