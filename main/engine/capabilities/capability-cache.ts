import { describeError, isStopped } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { TargetCapabilities, UploadRecord } from '../ports/records.ts';
import type { CapabilityStore, EventLog } from '../ports/state-store.ts';
import { ASSUMED_CAPABILITIES, probeCapabilities } from './probe-capabilities.ts';

/** Words for the event log: what a probe found. */
export function describeCapabilities(found: TargetCapabilities): string {
  const checksums = found.returnsChecksums ? ', lists part checksums' : '';
  const etags = found.etagIsMd5 ? '' : ', part ETags are not MD5s';
  return `Content-MD5 ${found.contentMd5}, SHA-256 checksum ${found.checksumSha256}${checksums}${etags}`;
}

/**
 * Each target's capabilities, probed once per endpoint and bucket and kept in
 * the state database. Uploads to a new target starting together share one
 * probe. When the probe cannot run (no network, no permission), the run goes
 * on with what every S3 server does (ASSUMED_CAPABILITIES, not stored) and the
 * next run probes again; the failure itself is the upload's to report. Each
 * probe request goes through the caller's retry budget.
 */
export type Retry = <T>(attempt: () => Promise<T>) => Promise<T>;

export class CapabilityCache {
  private readonly probing = new Map<string, Promise<TargetCapabilities>>();

  constructor(
    private readonly store: CapabilityStore & EventLog,
    private readonly clock: Clock,
  ) {}

  async for(upload: UploadRecord, objects: ObjectStore, retry: Retry): Promise<TargetCapabilities> {
    const key = JSON.stringify([upload.endpoint ?? '', upload.bucket]);
    for (;;) {
      const known = this.store.getCapabilities(upload.endpoint, upload.bucket);
      if (known) return known;
      const shared = this.probing.get(key);
      if (!shared) {
        const probe = this.probe(upload, objects, retry).finally(() => this.probing.delete(key));
        this.probing.set(key, probe);
        return probe;
      }
      try {
        return await shared;
      } catch {
        // The upload that ran the probe was stopped; this one was not: probe again, on its own budget.
      }
    }
  }

  private async probe(upload: UploadRecord, objects: ObjectStore, retry: Retry): Promise<TargetCapabilities> {
    const target = `${upload.endpoint ?? 'AWS S3'} bucket ${upload.bucket}`;
    try {
      const found = await probeCapabilities(objects, upload, this.clock.now(), retry, () => this.clock.now());
      this.store.saveCapabilities(upload.endpoint, upload.bucket, found);
      this.store.recordEvent({ uploadRecordId: upload.id, kind: 'probed', message: `checked ${target}: ${describeCapabilities(found)}` });
      return found;
    } catch (error) {
      if (isStopped(error)) throw error;
      this.store.recordEvent({
        uploadRecordId: upload.id,
        kind: 'probed',
        message: `could not check what ${target} verifies (${describeError(error)}); sending Content-MD5 only`,
      });
      return { ...ASSUMED_CAPABILITIES, probedAt: this.clock.now() };
    }
  }
}
