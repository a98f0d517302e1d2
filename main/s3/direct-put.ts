import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BodyDigests, SendOptions } from '../engine/ports/object-store.ts';
import type { ObjectLocation, TargetConfig } from '../engine/ports/records.ts';

/*
 * PutObject without the SDK's request pipeline. A folder of thousands of
 * small files is one PutObject each, and the SDK spends about 1.6 ms of CPU
 * on every request (schemas, endpoint rules, middleware) where signing and
 * sending take a tenth of that: on two cores shared with the server, that CPU
 * is the files-per-second. This path signs with Signature V4 itself (the
 * credentials and the clock correction still come from the SDK client, so a
 * profile, SSO or a skewed clock behave the same) and fails with errors shaped
 * like the SDK's, so classify-s3-error.ts reads them the same way.
 */

const UNSIGNED = 'UNSIGNED-PAYLOAD';
const DEFAULT_CHUNK = 64 * 1024;

interface Identity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export class DirectPut {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private signingKey: { scope: string; secret: string; key: Buffer } | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly target: TargetConfig,
    private readonly options: { maxSockets: number; stallTimeoutMs: number },
  ) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
    this.httpAgent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent(agentOptions);
  }

  async put(location: ObjectLocation, body: Uint8Array, digests: BodyDigests, options: SendOptions = {}): Promise<{ etag: string | undefined }> {
    const identity = (await (this.client.config.credentials as () => Promise<Identity>)()) as Identity;
    const url = objectAddress(this.target, location);
    const now = new Date(Date.now() + (this.client.config.systemClockOffset ?? 0));
    const headers: Record<string, string> = {
      host: url.host,
      'x-amz-content-sha256': UNSIGNED,
      'x-amz-date': amzDate(now),
      ...(digests.md5Base64 ? { 'content-md5': digests.md5Base64 } : {}),
      ...(digests.sha256Base64 ? { 'x-amz-checksum-sha256': digests.sha256Base64 } : {}),
      ...(identity.sessionToken ? { 'x-amz-security-token': identity.sessionToken } : {}),
    };
    headers.authorization = this.authorization('PUT', url.path, headers, identity, now);
    const response = await this.send(url, { ...headers, 'content-length': String(body.length) }, body, options);
    return { etag: typeof response.headers.etag === 'string' ? response.headers.etag : undefined };
  }

  private authorization(method: string, path: string, headers: Record<string, string>, identity: Identity, now: Date): string {
    const names = Object.keys(headers).sort();
    const canonical = [method, path, '', ...names.map((name) => `${name}:${(headers[name] as string).trim()}`), '', names.join(';'), UNSIGNED].join('\n');
    const day = amzDate(now).slice(0, 8);
    const scope = `${day}/${this.target.region}/s3/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', headers['x-amz-date'], scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    const signature = createHmac('sha256', this.keyFor(scope, identity.secretAccessKey, day)).update(toSign).digest('hex');
    return `AWS4-HMAC-SHA256 Credential=${identity.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  }

  /** The signing key changes once a day (and with the secret): derived once, not per request. */
  private keyFor(scope: string, secret: string, day: string): Buffer {
    if (this.signingKey?.scope === scope && this.signingKey.secret === secret) return this.signingKey.key;
    const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.target.region), 's3'), 'aws4_request');
    this.signingKey = { scope, secret, key };
    return key;
  }

  private send(url: ObjectAddress, headers: Record<string, string>, body: Uint8Array, options: SendOptions): Promise<IncomingMessage> {
    const make = url.secure ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const where = { hostname: url.hostname, ...(url.port ? { port: url.port } : {}), path: url.path };
      const req = make({ ...where, method: 'PUT', headers, agent: url.secure ? this.httpsAgent : this.httpAgent });
      const fail = (error: unknown) => {
        req.destroy();
        reject(error);
      };
      const onAbort = () => fail(options.signal?.reason);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // Inactivity, not total time, as in the SDK client (s3-client.ts): nothing moving for this long is a stall.
      req.setTimeout(this.options.stallTimeoutMs, () => fail(Object.assign(new Error('no bytes moved on the connection'), { name: 'TimeoutError' })));
      req.on('error', (error: Error & { code?: string }) => reject(error.code ? Object.assign(error, { name: error.code }) : error));
      req.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          options.signal?.removeEventListener('abort', onAbort);
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(response);
          reject(this.serverError(status, Buffer.concat(chunks).toString('utf8'), response.headers.date));
        });
      });
      void writeBody(req, body, options).catch(fail);
    });
  }

  /** An error answer, shaped like the SDK's (name = the S3 error code, $metadata.httpStatusCode). */
  private serverError(status: number, xml: string, date: string | undefined): Error {
    const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? (status === 404 ? 'NotFound' : `Http${status}`);
    const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? '';
    // As the SDK does: a clock the server finds skewed is corrected from its Date, and the retry signs with it.
    if (code === 'RequestTimeTooSkewed' && date) this.client.config.systemClockOffset = Date.parse(date) - Date.now();
    return Object.assign(new Error(message || code), { name: code, $metadata: { httpStatusCode: status } });
  }
}

/** Writes the body in steps, each awaited by the bandwidth limit and counted as sent (as counting-body.ts does for the SDK). */
async function writeBody(req: ReturnType<typeof httpRequest>, body: Uint8Array, options: SendOptions): Promise<void> {
  for (let offset = 0; offset < body.length; ) {
    const size = Math.min(options.chunkBytes?.() ?? DEFAULT_CHUNK, body.length - offset);
    await options.beforeChunk?.(size);
    const chunk = body.subarray(offset, offset + size);
    offset += size;
    if (!req.write(chunk)) await new Promise<void>((resolve) => req.once('drain', resolve));
    options.onBytesSent?.(size);
  }
  req.end();
}

export interface ObjectAddress {
  secure: boolean;
  hostname: string;
  port: string;
  /** As the Host header says it: the name, and the port where it is not the default. */
  host: string;
  /** Already encoded; never normalised (a key may hold "." and ".." segments that a URL would fold away). */
  path: string;
}

/** Where an object lives: path-style, or virtual-hosted (bucket in the host name) where the bucket name allows it. */
export function objectAddress(target: TargetConfig, location: ObjectLocation): ObjectAddress {
  const base = new URL(target.endpoint ?? `https://s3.${target.region}.amazonaws.com`);
  const prefix = base.pathname.replace(/\/$/, '');
  const key = encodeKey(location.key);
  const secure = base.protocol === 'https:';
  // A bucket name with dots does not fit a TLS wildcard certificate: path-style, as the SDK does.
  if (target.pathStyle || location.bucket.includes('.')) return { secure, hostname: base.hostname, port: base.port, host: base.host, path: `${prefix}/${location.bucket}/${key}` };
  return { secure, hostname: `${location.bucket}.${base.hostname}`, port: base.port, host: `${location.bucket}.${base.host}`, path: `${prefix}/${key}` };
}

/** S3's URI encoding of a key: every byte but A-Z a-z 0-9 - . _ ~ and '/' percent-encoded. */
export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
