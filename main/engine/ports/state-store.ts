import type {
  ChecksumAlgorithm,
  KeyObject,
  KeyState,
  NewUpload,
  ObjectLocation,
  PartRecord,
  PlannedReuse,
  SourceFacts,
  TargetCapabilities,
  TargetConfig,
  UploadEvent,
  UploadRecord,
  UploadState,
} from './records.ts';

/**
 * What the engine needs from durable state, cut into the narrow ports the
 * code names: a stage that only records parts asks for a PartLedger, not the
 * whole database. Every method is synchronous and durable when it returns
 * (main/store/sqlite-state-store.ts implements them all in one SQLite file).
 */

/** How the parts of a new plan are laid out: numbered from 1, contiguous. */
export type PlannedPart = { partNumber: number; offset: number; size: number };

/** The uploads themselves: their lifecycle, their source, their multipart upload on the server. */
export interface UploadStore {
  /** Creates the upload and all its parts (state 'pending') in one transaction. */
  createUpload(upload: NewUpload, parts: ReadonlyArray<PlannedPart>): UploadRecord;
  getUpload(id: string): UploadRecord | undefined;
  listUploads(): UploadRecord[];
  /** Uploads not completed and not cancelled. */
  listUnfinished(): UploadRecord[];
  findUnfinished(path: string, location: ObjectLocation, endpoint: string | undefined): UploadRecord | undefined;
  /**
   * The multipart upload now in use and the checksum algorithm it was created
   * with; given `expiresAt`, its expiry too, in the same transaction (one
   * commit, not two, for every new upload: a folder of photos makes hundreds).
   */
  setUploadId(id: string, uploadId: string | null, checksumAlgorithm?: ChecksumAlgorithm | null, expiresAt?: number | null): void;
  setState(id: string, state: UploadState, lastError?: string | null): void;
  /** The server lost the upload: a fresh multipart upload replaces it, every part is pending again, restarts + 1. */
  restartUpload(id: string, newUploadId: string | null, checksumAlgorithm?: ChecksumAlgorithm | null): void;
  /** Completed: also clears lastError, conflict and expiresAt. With `note`, its 'completed' event is written in the same transaction. */
  markCompleted(id: string, etag: string | null, note?: string): void;
  setConflict(id: string, conflict: string | null): void;
  setExpiresAt(id: string, expiresAt: number | null): void;
  /** What was at the key when the upload started (see UploadRecord.keyAtStart). */
  setKeyAtStart(id: string, state: KeyState): void;
  /** An object someone else wrote at the key, found before Complete (the run then ends in conflict). */
  setForeignObject(id: string, object: KeyObject): void;
  /** The user agreed to replace that object: it becomes keyAtStart, the conflict is settled and the upload queued. Whether there was one. */
  acceptForeignObject(id: string): boolean;
  setSourceMissing(id: string, missing: boolean): void;
  /**
   * Points an upload that has sent nothing yet (no multipart upload, no part
   * done) at another server or bucket; what was at its key is looked at again
   * there. False, and nothing changed, when it has something on the server.
   */
  moveUnsent(id: string, place: TargetConfig & { bucket: string }): boolean;
  /**
   * The user chose to upload the changed source from the start, in one
   * transaction: the new source facts, every part replaced by the new plan
   * (pending), no multipart upload, no conflict, state 'queued'; restarts unchanged.
   */
  replaceSource(id: string, source: SourceFacts, parts: ReadonlyArray<PlannedPart>): void;
  /**
   * The user chose to keep the parts of the changed source that still read the
   * same, in one transaction: the new source facts, every part replaced by the
   * new plan (a part given an etag and md5 is kept done with them, the others
   * pending), the multipart upload and its expiry kept, no conflict, state 'queued'.
   */
  reuseSource(id: string, source: SourceFacts, parts: ReadonlyArray<PlannedReuse>): void;
  deleteUpload(id: string): void;
  /** Removes completed and cancelled uploads finished before the given time; returns their ids. */
  pruneFinished(finishedBefore: number): string[];
}

/** Each part's progress: written before a part's first byte goes out and after the server acknowledged it. */
export interface PartLedger {
  listParts(id: string): PartRecord[];
  /** Recorded before a part's first byte is sent: the part's MD5 is known from here on. */
  markPartStarted(id: string, partNumber: number, md5: string, checksum: string | null): void;
  /** Recorded after the server acknowledged the part; md5 and checksum only when not recorded at its start (adopted parts). */
  markPartDone(id: string, partNumber: number, etag: string, md5?: string, checksum?: string | null): void;
  /** A part that did not finish goes back to pending (its MD5 stays recorded). */
  markPartPending(id: string, partNumber: number): void;
}

/** An upload's history, shown to the user ("adopted part 3", "restarted: the server had lost it"). */
export interface EventLog {
  recordEvent(event: Omit<UploadEvent, 'at'> & { at?: number }): void;
  listEvents(id: string): UploadEvent[];
}

/** What each endpoint and bucket was found to verify (see ../capabilities/probe-capabilities.ts). */
export interface CapabilityStore {
  /** What was probed for this endpoint (undefined: AWS itself) and bucket; undefined when never probed. */
  getCapabilities(endpoint: string | undefined, bucket: string): TargetCapabilities | undefined;
  saveCapabilities(endpoint: string | undefined, bucket: string, capabilities: TargetCapabilities): void;
}

/** The whole state database, as the engine is given it; its parts take only the ports above they use. */
export interface StateStore extends UploadStore, PartLedger, EventLog, CapabilityStore {
  close(): void;
}
