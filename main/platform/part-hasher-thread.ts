import { Worker } from 'node:worker_threads';
import type { PartDigest, PartHasher } from '../engine/ports/part-hasher.ts';
import { digestFromHashes, digestPart, md5Of } from '../engine/sending/part-digest.ts';

/**
 * MD5 and SHA-256 of a part on a worker thread. Hashing 8 MiB takes tens of
 * milliseconds; on the main thread that time is taken from feeding the
 * sockets of the other parts in flight, so the upload stalls while it hashes.
 * On the worker it runs beside the sending.
 *
 * Only bytes in shared memory (PartBuffers' buffers) go to the worker, which
 * reads them where they are: nothing is copied or transferred, and the buffer
 * stays usable here. The part's buffer is not reused until its digest is back
 * (the pump releases it only when the part is finished with). Anything else,
 * or a worker that fails, is hashed here as before: slower, never wrong.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, buffer, offset, length, md5Only }) => {
  try {
    const bytes = new Uint8Array(buffer, offset, length);
    const md5 = createHash('md5').update(bytes).digest();
    const sha256 = md5Only ? undefined : createHash('sha256').update(bytes).digest();
    parentPort.postMessage({ id, md5, sha256 });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface Reply {
  id: number;
  md5?: Uint8Array;
  sha256?: Uint8Array;
  error?: string;
}

let worker: Worker | undefined;
let nextId = 0;
let answeredOffThread = 0;
const waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

function failAll(error: Error): void {
  for (const pending of waiting.values()) pending.reject(error);
  waiting.clear();
}

function hashWorker(): Worker {
  if (worker) return worker;
  // Its heap holds a few small digests at a time; a small young generation keeps its memory small too.
  const started = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
  // Never what keeps the process alive: it is unref'd while idle and ref'd while a digest is awaited.
  started.unref();
  started.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (waiting.size === 0) started.unref();
    pending?.resolve(reply);
  });
  const retire = (error: Error): void => {
    if (worker === started) worker = undefined;
    failAll(error);
  };
  started.on('error', retire);
  started.on('exit', (code) => retire(new Error(`the hashing thread stopped (exit ${code})`)));
  worker = started;
  return started;
}

function askWorker(bytes: Uint8Array, md5Only = false): Promise<Reply> {
  const target = hashWorker();
  const id = nextId++;
  return new Promise<Reply>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    target.ref();
    target.postMessage({ id, buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength, md5Only });
  });
}

/**
 * A hash off the main thread when the bytes are in shared memory, else (or
 * when the worker fails) here: slower, never different. `fromReply` reads
 * the worker's answer (undefined: it lacks what was asked).
 */
async function hashOffThread<T>(bytes: Uint8Array, md5Only: boolean, fromReply: (reply: Reply) => T | undefined, here: () => T): Promise<T> {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) return here();
  try {
    const value = fromReply(await askWorker(bytes, md5Only));
    if (value !== undefined) {
      answeredOffThread += 1;
      return value;
    }
  } catch {
    // The worker is gone (it is started again next time); hashing here gives the same answer.
  }
  return here();
}

/**
 * digestPart, off the main thread when the bytes are in shared memory. Every
 * such part goes to the one thread, however small, so digests come back in the
 * order they were asked for and parts start in order (a short last part hashed
 * here would overtake the one before it).
 */
export function digestPartOffThread(bytes: Uint8Array): Promise<PartDigest> {
  return hashOffThread(bytes, false, (reply) => (reply.md5 && reply.sha256 ? digestFromHashes(reply.md5, reply.sha256) : undefined), () => digestPart(bytes));
}

/** MD5 alone (a file sent whole), off the main thread when the bytes are in shared memory. */
export function md5OffThread(bytes: Uint8Array): Promise<Uint8Array> {
  return hashOffThread(bytes, true, (reply) => reply.md5, () => md5Of(bytes));
}

/** The engine's PartHasher port, hashing on the thread. */
export const threadHasher: PartHasher = { digest: digestPartOffThread, md5: md5OffThread };

/** How many digests the hashing thread has given (tests: that it is used at all). */
export function digestsHashedOffThread(): number {
  return answeredOffThread;
}

/** Ends the hashing thread (tests; the process otherwise just exits around it). */
export async function stopHashWorker(): Promise<void> {
  const current = worker;
  worker = undefined;
  if (current) await current.terminate();
}
