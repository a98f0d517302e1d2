import { afterAll, describe, expect, it } from 'vitest';
import { combine, everyKth, firstMatching, matchingAt } from '../support/fault-plans.ts';
import type { FaultPlan } from '../support/fault-plans.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import type { ProxiedRequest, RequestFault } from '../support/fault-proxy.ts';
import { S3_ERRORS } from '../support/s3-wire.ts';
import { useTestWorkspace } from '../support/s3-fixture.ts';
import { expectCompletedIntact, isDataPart, MiB, PART, printFigures, recordFigures, uploadThroughFaults } from '../support/torture-run.ts';
import type { TortureRun } from '../support/torture-run.ts';

/**
 * Network and server faults injected per HTTP request between the real CLI
 * and the real server (Ceph RGW): each scenario must still end with the file
 * byte for byte on the server, nothing left behind and a bounded resend cost.
 */
const ws = useTestWorkspace();
afterAll(() => printFigures('network torture'));

const is = (operation: string) => (request: ProxiedRequest) => request.operation === operation;

async function survives(scenario: string, size: number, decide: FaultPlan, extra: Partial<TortureRun> = {}) {
  const outcome = await uploadThroughFaults(ws, { scenario, name: `${scenario.replace(/[^a-z0-9]+/gi, '-')}.bin`, size, decide, args: ['--max-retries', '20'], ...extra });
  recordFigures(outcome);
  await expectCompletedIntact(ws, outcome);
  return outcome;
}

describe('per-request faults between Hoist and the server', () => {
  it('1. connections reset in the middle of request bodies (parts and Complete)', async () => {
    const plan = combine(
      firstMatching(3, isDataPart, { kind: 'reset', afterBodyBytes: 2 * MiB + 123 }),
      firstMatching(1, is('CompleteMultipartUpload'), { kind: 'reset', afterBodyBytes: 40 }),
    );
    const outcome = await survives('reset mid-body', 5 * PART + 17, plan);
    expect(outcome.faults).toBe(4);
    expect(outcome.run.stderr).toMatch(/UploadPart \d+: .*retrying/);
    expect(outcome.run.stderr).toMatch(/CompleteMultipartUpload: .*retrying/);
  });

  it('2a. 500 InternalError for the first UploadPart requests (the capability probe) and the first parts of the file', async () => {
    const internal: RequestFault = { kind: 'answer', ...S3_ERRORS.internalError };
    const outcome = await survives('500 InternalError', 4 * PART + 5, combine(firstMatching(2, is('UploadPart'), internal), firstMatching(2, isDataPart, internal)));
    expect(outcome.faults).toBe(4);
    expect(outcome.run.stderr).toMatch(/temporary failure/);
  });

  it('2b. 503 SlowDown for the first parts of the file', async () => {
    const outcome = await survives('503 SlowDown', 4 * PART + 5, firstMatching(3, isDataPart, { kind: 'answer', ...S3_ERRORS.slowDown }));
    expect(outcome.faultsOnParts).toBe(3);
  });

  it('2c. 400 RequestTimeout (connection closed) for the first UploadPart requests: retried, and not taken for a refused header', async () => {
    const timeout: RequestFault = { kind: 'answer', ...S3_ERRORS.requestTimeout };
    // The first UploadPart is the capability probe's, sent with Content-MD5 to see whether the server refuses that header.
    const outcome = await survives('400 RequestTimeout', 3 * PART + 5, combine(firstMatching(1, is('UploadPart'), timeout), firstMatching(2, isDataPart, timeout)));
    expect(outcome.faults).toBe(3);
    // The probe's own parts got the timeouts: RGW verifies Content-MD5, so every part of the file must still carry it.
    const parts = outcome.proxy.requests.filter(isDataPart);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts) expect(part.headers.get('content-md5'), part.target).toBeTruthy();
  });

  it('2d. every 4th request of any kind answered 500 InternalError', async () => {
    const outcome = await survives('every 4th request 500', 4 * PART + 99, everyKth(4, { kind: 'answer', ...S3_ERRORS.internalError }));
    const hit = new Set(outcome.proxy.faults.map((fault) => fault.request.operation));
    expect(hit.size).toBeGreaterThan(1);
  });

  it('3a. answers delayed by 2 s (under the stall timeout): nothing is retried', async () => {
    const slow: RequestFault = { kind: 'delay', ms: 2000 };
    const outcome = await survives('2 s delayed answers', 3 * PART + 1, combine(firstMatching(Infinity, isDataPart, slow), firstMatching(1, is('CompleteMultipartUpload'), slow)));
    expect(outcome.run.stderr).not.toMatch(/retrying/);
    expect(outcome.result?.bytesSent).toBe(outcome.size);
  });

  it('3b. answers delayed past the stall timeout: aborted and sent again, the server had stored them', async () => {
    const outcome = await survives('delayed past stall timeout', 3 * PART + 1, firstMatching(2, isDataPart, { kind: 'delay', ms: 2500 }), {
      args: ['--max-retries', '20', '--stall-timeout', '1'],
    });
    expect(outcome.run.stderr).toMatch(/retrying/);
  });

  it('4. bandwidth capped at 2 MiB/s: slow but steady, nothing stalls or is sent twice', async () => {
    // The default stall timeout: the client hands a whole part to the kernel and then hears nothing while the
    // buffers drain at 1 MiB/s per connection, a silence of several seconds that a short timeout would take for a stall.
    const outcome = await survives('2 MiB/s link', 3 * PART, () => ({ kind: 'forward' }), { proxyOptions: { bytesPerSecond: 2 * MiB } });
    expect(outcome.run.stderr).not.toMatch(/retrying/);
    expect(outcome.result?.bytesSent).toBe(outcome.size);
  });

  it('5. stalled requests (bytes accepted, no answer): aborted after --stall-timeout and retried', async () => {
    const plan = combine(firstMatching(2, isDataPart, { kind: 'stall' }), firstMatching(1, is('CompleteMultipartUpload'), { kind: 'stall' }));
    const outcome = await survives('stall', 3 * PART + 3, plan, { args: ['--max-retries', '20', '--stall-timeout', '1'] });
    expect(outcome.faults).toBe(3);
    expect(outcome.run.stderr).toMatch(/CompleteMultipartUpload: .*retrying/);
  });

  it('6a. answers dropped after the server stored the part or completed the upload', async () => {
    const plan = combine(firstMatching(3, isDataPart, { kind: 'drop-response' }), firstMatching(1, is('CompleteMultipartUpload'), { kind: 'drop-response' }));
    const outcome = await survives('dropped answers', 4 * PART + 7, plan);
    expect(outcome.faults).toBe(4);
    // The server had done the work every time; only the client did not know.
    expect(outcome.proxy.faults.map((fault) => fault.upstreamStatus)).toEqual([200, 200, 200, 200]);
  });

  it('6b. answers to CreateMultipartUpload dropped: the uploads the server made anyway are not left behind', async () => {
    // Creates 1 and 2 (dropped) and 3 are the probe's first upload, 4 its second, 5 (dropped) and 6 the file's.
    const outcome = await survives('dropped CreateMultipartUpload answers', 3 * PART + 7, matchingAt([1, 2, 5], is('CreateMultipartUpload'), { kind: 'drop-response' }));
    expect(outcome.proxy.faults.map((fault) => fault.upstreamStatus)).toEqual([200, 200, 200]);
    expect(outcome.run.stderr).toMatch(/removed 1 empty multipart upload/);
  });

  it('6c. a dropped part answer with no retries left: resume adopts the stored part and sends each byte once', async () => {
    if (!ws.config.endpoint) throw new Error('the network-fault tests need an explicit endpoint to proxy');
    const scenario = 'dropped answer, then resume';
    const name = 'dropped-then-resume.bin';
    const size = 4 * PART + 11;
    // One proxy for both runs: resume goes to the endpoint recorded with the upload.
    const proxy = await FaultProxy.startHttp(ws.config.endpoint, firstMatching(1, isDataPart, { kind: 'drop-response' }));
    try {
      const base = { scenario, name, size, decide: () => ({ kind: 'forward' }) as const, proxy };
      const first = await uploadThroughFaults(ws, { ...base, args: ['--max-retries', '0', '--concurrency', '1'] });
      expect(first.run.code, first.run.stderr).toBe(1);
      expect(proxy.faults[0]?.upstreamStatus).toBe(200);
      const second = await uploadThroughFaults(ws, { ...base, command: 'resume' });
      const both = (first.result?.bytesSent ?? 0) + (second.result?.bytesSent ?? 0);
      const together = { ...second, faultsOnParts: 1, result: second.result && { ...second.result, bytesSent: both } };
      recordFigures(together);
      await expectCompletedIntact(ws, together);
      expect(second.result?.partsSkipped).toBe(1);
      // The part the server stored is adopted, not sent again: the two runs together sent the file exactly once.
      expect(both).toBe(size);
    } finally {
      await proxy.stop();
    }
  });
});
