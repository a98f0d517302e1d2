import { S3Failure } from '../engine/errors.ts';
import type { FailureKind } from '../engine/errors.ts';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Error names that mean "try again later" whatever their HTTP status. */
const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
]);

/** What a failed socket means, said of the host it failed to reach: the cause a retrying row shows. */
const NETWORK_PHRASES: Record<string, (host: string) => string> = {
  ECONNREFUSED: (host) => `connection refused by ${host}`,
  ECONNRESET: (host) => `connection reset by ${host}`,
  EPIPE: (host) => `connection reset by ${host}`,
  ECONNABORTED: (host) => `connection to ${host} aborted`,
  ETIMEDOUT: (host) => `${host} did not answer in time`,
  EHOSTUNREACH: (host) => `no route to ${host}`,
  ENETUNREACH: (host) => `no network route to ${host}`,
  ENETDOWN: (host) => `the network is down (reaching ${host})`,
  ENOTFOUND: (host) => `no such host: ${host}`,
  EAI_AGAIN: (host) => `cannot look up ${host} (DNS is not answering)`,
  EADDRNOTAVAIL: (host) => `no local address to reach ${host} from`,
};

/** host:port of an endpoint, or the endpoint as given when it is not a URL; AWS itself when there is none. */
function hostOf(endpoint: string | undefined): string {
  if (endpoint === undefined) return 'AWS S3';
  try {
    return new URL(endpoint).host || endpoint;
  } catch {
    return endpoint;
  }
}

export interface ErrorContext {
  /** What was being done, e.g. "UploadPart 3". */
  operation: string;
  bucket: string;
  endpoint: string | undefined;
}

/**
 * Maps an AWS SDK error to an S3Failure: retryable, fatal or upload-gone, with a
 * message a person can act on. RGW leaves <Message> empty, so the decision rests
 * on the error name and the HTTP status, never on the text.
 */
export function classifyS3Error(error: unknown, context: ErrorContext): S3Failure {
  if (error instanceof S3Failure) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = shape.name ?? 'Error';
  const code = shape.code && /^E[A-Z]+$/.test(shape.code) ? shape.code : name;
  const status = shape.$metadata?.httpStatusCode;
  const where = context.endpoint ?? 'AWS S3';
  const make = (kind: FailureKind, message: string): S3Failure =>
    new S3Failure(kind, `${message} (${context.operation}: ${code}${status ? ` ${status}` : ''})`, code, status, { cause: error });

  switch (name) {
    case 'NoSuchUpload':
      return make('upload-gone', 'the server no longer has this multipart upload');
    case 'NoSuchBucket':
      return make('fatal', `bucket "${context.bucket}" not found at ${where}`);
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return make('fatal', `wrong credentials for ${where}: the access key or secret key was rejected`);
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return make('fatal', `the credentials for ${where} have expired`);
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return make('fatal', `access denied to bucket "${context.bucket}" at ${where}`);
    case 'CredentialsProviderError':
      return make('fatal', 'no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE');
    case 'InvalidBucketName':
      return make('fatal', `"${context.bucket}" is not a valid bucket name`);
    case 'KeyTooLongError':
      return make('fatal', 'the object key is too long for this server');
    case 'BadDigest':
      // The bytes arrived different from what was read: a transport fault, so send again.
      return make('retryable', 'the server received different bytes than were sent');
    case 'AbortError':
      return make('retryable', 'the request was interrupted');
    default:
      break;
  }
  const network = shape.code !== undefined ? NETWORK_PHRASES[shape.code] : undefined;
  if (network && status === undefined) return make('retryable', network(hostOf(context.endpoint)));
  if (RETRYABLE_NAMES.has(name) || RETRYABLE_NAMES.has(code)) return make('retryable', `temporary failure talking to ${where}`);
  if (status === undefined) {
    // No HTTP answer at all: the network, not the request, failed.
    return make('retryable', `cannot reach ${where}: ${shape.message ?? name}`);
  }
  if (status >= 500 || status === 429 || status === 408) return make('retryable', `temporary server error at ${where}`);
  if (status === 403) return make('fatal', `access denied by ${where} for bucket "${context.bucket}"`);
  if (status === 301 || status === 307) return make('fatal', `bucket "${context.bucket}" is in another region or needs another endpoint`);
  return make('fatal', `the server at ${where} refused the request`);
}
