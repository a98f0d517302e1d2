import { randomBytes } from 'node:crypto';

/**
 * What the fault proxy needs to know about S3 on the wire: which operation a
 * request is (from its method, query and headers, as S3 routes it), and what
 * an S3 error answer looks like, so injected errors reach the SDK exactly as a
 * server's would and go through the same parsing and classification.
 */

export function s3Operation(method: string, target: string, headers: ReadonlyMap<string, string>): string {
  const url = new URL(target, 'http://proxy.invalid');
  const query = url.searchParams;
  // Path-style: "/bucket" or "/bucket/" addresses the bucket, anything longer an object.
  const onObject = url.pathname.replace(/^\/[^/]*\/?/, '') !== '';
  switch (method) {
    case 'PUT':
      if (query.has('partNumber') && query.has('uploadId')) return headers.has('x-amz-copy-source') ? 'UploadPartCopy' : 'UploadPart';
      return onObject ? (headers.has('x-amz-copy-source') ? 'CopyObject' : 'PutObject') : 'CreateBucket';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return query.has('delete') ? 'DeleteObjects' : 'Post';
    case 'DELETE':
      if (query.has('uploadId')) return 'AbortMultipartUpload';
      return onObject ? 'DeleteObject' : 'DeleteBucket';
    case 'GET':
      if (query.has('uploadId')) return 'ListParts';
      if (query.has('uploads')) return 'ListMultipartUploads';
      if (!onObject) return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      return 'GetObject';
    case 'HEAD':
      return onObject ? 'HeadObject' : 'HeadBucket';
    default:
      return method;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** The messages AWS sends with these codes; RGW leaves <Message> empty, and Hoist must not depend on either. */
const MESSAGES: Record<string, string> = {
  InternalError: 'We encountered an internal error. Please try again.',
  SlowDown: 'Please reduce your request rate.',
  RequestTimeout: 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.',
  ServiceUnavailable: 'Please reduce your request rate.',
};

export interface S3ErrorAnswer {
  status: number;
  code: string;
  message?: string;
  /** Closes the connection after the answer (what S3 does after a RequestTimeout). */
  close?: boolean;
}

/** A complete S3 error response: status line, headers and the XML error document (no body for HEAD, as servers do). */
export function s3ErrorResponse(answer: S3ErrorAnswer, method: string, target: string): Buffer {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const resource = new URL(target, 'http://proxy.invalid').pathname;
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${answer.code}</Code><Message>${answer.message ?? MESSAGES[answer.code] ?? ''}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(xml);
  const head = [
    `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Error'}`,
    `x-amz-request-id: ${requestId}`,
    'Content-Type: application/xml',
    `Content-Length: ${body.length}`,
    `Date: ${new Date().toUTCString()}`,
    `Connection: ${answer.close ? 'close' : 'Keep-Alive'}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The three server faults the suite injects, as S3 sends them. */
export const S3_ERRORS = {
  internalError: { status: 500, code: 'InternalError' },
  slowDown: { status: 503, code: 'SlowDown' },
  requestTimeout: { status: 400, code: 'RequestTimeout', close: true },
} as const satisfies Record<string, S3ErrorAnswer>;
