import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { SECURITY_HEADERS, send, sendText } from './http-responses.ts';

/*
 * The headless bridge's static side: it serves the built renderer from one
 * folder and nothing outside it (no `..`, no symlink leading out).
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside root, or undefined when it would leave
 * root (`..`, encoded or not; a NUL byte; a malformed escape). Lexical only;
 * the caller also checks the real path, so a symlink cannot lead out either.
 */
export function staticPathFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || !decoded.startsWith('/')) return undefined;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const full = resolve(root, `.${relative}`);
  return isInside(root, full) ? full : undefined;
}

function isInside(root: string, path: string): boolean {
  const base = resolve(root);
  return path.startsWith(base.endsWith(sep) ? base : base + sep);
}

/** Answers a GET or HEAD for pathname with the file it names in staticDir (an absolute path). */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, staticDir: string, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
  const candidate = staticPathFor(staticDir, pathname);
  if (!candidate) return sendText(res, 404, 'not found');
  let file: string;
  let size: number;
  try {
    const realRoot = await realpath(staticDir);
    file = await realpath(candidate);
    if (!isInside(realRoot, file)) return sendText(res, 404, 'not found');
    const info = await stat(file);
    if (!info.isFile()) return sendText(res, 404, 'not found');
    size = info.size;
  } catch (error) {
    if (pathname === '/' && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      return sendText(res, 503, 'The Hoist UI is not built: run `npm start` (or `npx vite build`) and reload.');
    }
    // Browsers ask for it unprompted; "nothing" is not an error worth a console line.
    if (pathname === '/favicon.ico') return send(res, 204, '');
    return sendText(res, 404, 'not found');
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(file), 'Content-Length': size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
