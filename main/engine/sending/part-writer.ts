import { crashPoint, holdPoint } from '../test-hooks/test-hooks.ts';
import { S3Failure } from '../errors.ts';
import type { PartDigest } from '../ports/part-hasher.ts';
import { headersFor } from './part-digest.ts';
import type { ObjectStore, SendOptions } from '../ports/object-store.ts';
import type { ChecksumAlgorithm, ObjectLocation, PartRecord, TargetCapabilities } from '../ports/records.ts';
import type { PartLedger } from '../ports/state-store.ts';
import { probeOnFailure } from '../server/probe-on-failure.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';

export interface PartWriterDeps {
  store: PartLedger;
  objects: ObjectStore;
  location: ObjectLocation;
  uploadRecordId: string;
  /** The job's retry loop (its budget, its clock, its log), for one named request. */
  retry: <T>(attempt: () => Promise<T>, signal: AbortSignal, what: string) => Promise<T>;
  throttle: (bytes: number, signal: AbortSignal) => Promise<void> | void;
  chunkBytes: () => number;
  onChange: () => void;
}

/**
 * The S3 side of one part, apart from the orchestration of many (part-runner)
 * and from reading the source (the job): records the part's digests before its
 * first byte goes, sends it with the integrity headers the target honours,
 * checks the answer, and records the ETag. Counts bytes on the wire.
 */
export class PartWriter {
  bytesSent = 0;
  private readonly inFlight = new Map<number, number>();

  constructor(private readonly deps: PartWriterDeps) {}

  /** Bytes of the parts on the wire right now. */
  bytesInFlight(): number {
    let flying = 0;
    for (const bytes of this.inFlight.values()) flying += bytes;
    return flying;
  }

  /** Parts holding a sending slot right now (on the wire, or between attempts of a retry). */
  partsInFlight(): number {
    return this.inFlight.size;
  }

  async writePart(
    uploadId: string,
    part: PartRecord,
    bytes: Uint8Array,
    digest: PartDigest,
    integrity: { capabilities: TargetCapabilities; algorithm: ChecksumAlgorithm | null },
    signal: AbortSignal,
  ): Promise<void> {
    const { store, objects, location, uploadRecordId: id } = this.deps;
    store.markPartStarted(id, part.partNumber, digest.md5Hex, digest.checksum);
    crashPoint('part-started');
    const headers = headersFor(digest, integrity.capabilities, integrity.algorithm);
    try {
      const { etag } = await this.deps.retry(
        () => {
          this.inFlight.set(part.partNumber, 0);
          return probeOnFailure(
            async () => {
              const answer = await objects.uploadPart(location, uploadId, part.partNumber, bytes, headers, this.sendOptions(part.partNumber, signal));
              return checkedEtag(part.partNumber, digest, answer, integrity.capabilities);
            },
            () => objects.listParts(location, uploadId, signal),
          );
        },
        signal,
        `UploadPart ${part.partNumber}`,
      );
      crashPoint('part-uploaded');
      store.markPartDone(id, part.partNumber, etag);
      crashPoint('part-recorded');
      await holdPoint('part-recorded');
    } catch (error) {
      store.markPartPending(id, part.partNumber);
      throw error;
    } finally {
      this.inFlight.delete(part.partNumber);
    }
  }

  /** The whole object in one PutObject (small files); records it as part 1. */
  async putObject(bytes: Uint8Array, digest: PartDigest, capabilities: TargetCapabilities, algorithm: ChecksumAlgorithm | null, signal: AbortSignal): Promise<string> {
    const { store, objects, location, uploadRecordId: id } = this.deps;
    store.markPartStarted(id, 1, digest.md5Hex, digest.checksum);
    const headers = headersFor(digest, capabilities, algorithm);
    try {
      const { etag } = await this.deps.retry(
        () => {
          this.inFlight.set(1, 0);
          return probeOnFailure(
            async () => checkedEtag(1, digest, await objects.putObject(location, bytes, headers, this.sendOptions(1, signal)), capabilities),
            () => objects.checkAccess(location, signal),
          );
        },
        signal,
        'PutObject',
      );
      store.markPartDone(id, 1, etag);
      return etag;
    } catch (error) {
      store.markPartPending(id, 1);
      throw error;
    } finally {
      this.inFlight.delete(1);
    }
  }

  private sendOptions(partNumber: number, signal: AbortSignal): SendOptions {
    return {
      signal,
      onBytesSent: (count) => {
        this.bytesSent += count;
        this.inFlight.set(partNumber, (this.inFlight.get(partNumber) ?? 0) + count);
        this.deps.onChange();
      },
      beforeChunk: (bytes) => this.deps.throttle(bytes, signal),
      chunkBytes: this.deps.chunkBytes,
    };
  }
}

/**
 * Where ETags are MD5s, the server's ETag must be the MD5 of the bytes sent:
 * the check that stands in for Content-MD5 on servers that ignore or refuse
 * it. A mismatch is retried, so the part is sent again.
 */
function checkedEtag(partNumber: number, digest: PartDigest, answer: { etag: string }, capabilities: TargetCapabilities): { etag: string } {
  const etag = unquoteEtag(answer.etag);
  if (capabilities.etagIsMd5 && etag !== '' && etag !== digest.md5Hex) {
    throw new S3Failure('retryable', `the server's ETag for part ${partNumber} is not the MD5 of the bytes sent`, 'BadDigest', undefined);
  }
  return answer;
}
