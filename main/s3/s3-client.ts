import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TargetConfig } from '../engine/ports/records.ts';

/*
 * How Hoist configures the AWS SDK's S3 client for a target: timeouts, socket
 * pool, credentials, and the SDK defaults turned off because the engine does
 * that work itself (retries, checksums, logging). Kept apart from the object
 * store so the SDK settings can be read (and changed) in one place.
 */

export interface S3ObjectStoreOptions {
  /** A request with no bytes moving for this long is aborted (and retried by the engine). */
  stallTimeoutMs: number;
  connectTimeoutMs: number;
  maxSockets: number;
  /**
   * Where this machine's clock is believed to be off, in ms (signing uses now + offset). The SDK corrects it from the
   * server's Date header after a RequestTimeTooSkewed, which the engine retries; tests start it off to prove that.
   */
  clockOffsetMs?: number;
  /** ListParts page size; undefined lets the server choose (1,000 on AWS and RGW). */
  listPartsPageSize?: number;
}

export const DEFAULT_S3_OPTIONS: S3ObjectStoreOptions = { stallTimeoutMs: 30_000, connectTimeoutMs: 10_000, maxSockets: 16 };

/**
 * Credentials for one target: keys typed into the app, or a named profile of
 * the AWS config. Undefined means the SDK's standard chain (env vars, the
 * default profile, SSO, instance roles).
 */
export type S3Credentials = { accessKeyId: string; secretAccessKey: string } | { profile: string };

/** Builds the SDK client for a target: custom endpoint, region, path-style; credentials from the standard AWS chain. */
export function createS3Client(target: TargetConfig, options: S3ObjectStoreOptions = DEFAULT_S3_OPTIONS, credentials?: S3Credentials): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  return new S3Client({
    region: target.region,
    ...(credentials && 'profile' in credentials ? { profile: credentials.profile } : {}),
    ...(credentials && 'accessKeyId' in credentials ? { credentials } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.pathStyle,
    ...(options.clockOffsetMs ? { systemClockOffset: options.clockOffsetMs } : {}),
    // The engine owns retries (with its own budget and progress-based reset).
    maxAttempts: 1,
    // The SDK otherwise console.warns about failed streaming requests; the
    // engine reports failures itself, in words a user can act on.
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    // The SDK's default CRC32 makes stream bodies go aws-chunked with a trailer,
    // which RGW and other S3-compatible servers reject. Content-MD5 is what every
    // implementation verifies; the engine sends it, and a SHA-256 header only to
    // targets found to verify it (see probe-capabilities.ts), always as a header
    // over a body of known length.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectTimeoutMs,
      // Inactivity, not total time: a big part on a slow link may take long,
      // but a socket on which nothing moves for this long is stalled.
      socketTimeout: options.stallTimeoutMs,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}
