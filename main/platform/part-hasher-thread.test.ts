import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { digestPart } from '../engine/sending/part-digest.ts';
import { digestPartOffThread, digestsHashedOffThread, stopHashWorker } from './part-hasher-thread.ts';
import { PartBuffers } from '../engine/sending/part-buffers.ts';

afterAll(() => stopHashWorker());

function sharedCopy(bytes: Uint8Array): Uint8Array {
  const shared = new PartBuffers(bytes.length).take(bytes.length).bytes;
  shared.set(bytes);
  return shared;
}

describe('digestPartOffThread', () => {
  it('gives the same MD5 and SHA-256 as hashing on the main thread, for parts in shared memory', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 11);
    const shared = sharedCopy(bytes);
    const before = digestsHashedOffThread();
    expect(await digestPartOffThread(shared)).toEqual(digestPart(bytes));
    expect(digestsHashedOffThread()).toBe(before + 1);
  });

  it('hashes only the view it is given, not the whole buffer behind it', async () => {
    const buffers = new PartBuffers(2 * 1024 * 1024);
    const whole = buffers.take(2 * 1024 * 1024).bytes;
    whole.set(randomBytes(whole.length));
    const view = whole.subarray(1000, 1000 + 600 * 1024);
    expect(await digestPartOffThread(view)).toEqual(digestPart(Buffer.from(view)));
  });

  it('answers several parts in flight at once, each with its own digest', async () => {
    const parts = Array.from({ length: 6 }, () => randomBytes(512 * 1024));
    const digests = await Promise.all(parts.map((part) => digestPartOffThread(sharedCopy(part))));
    expect(digests).toEqual(parts.map((part) => digestPart(part)));
  });

  it('hashes ordinary memory on the main thread, with the same result', async () => {
    const before = digestsHashedOffThread();
    const bytes = randomBytes(1024 * 1024);
    expect(await digestPartOffThread(bytes)).toEqual(digestPart(bytes));
    expect(digestsHashedOffThread()).toBe(before);
  });

  it('answers in the order it was asked, a small last part after a big one before it', async () => {
    const big = sharedCopy(randomBytes(8 * 1024 * 1024));
    const small = sharedCopy(randomBytes(100));
    const order: string[] = [];
    await Promise.all([digestPartOffThread(big).then(() => order.push('big')), digestPartOffThread(small).then(() => order.push('small'))]);
    expect(order).toEqual(['big', 'small']);
  });

  it('still answers after the hashing thread was stopped (a new one starts)', async () => {
    const bytes = randomBytes(1024 * 1024);
    await digestPartOffThread(sharedCopy(bytes));
    await stopHashWorker();
    const before = digestsHashedOffThread();
    expect(await digestPartOffThread(sharedCopy(bytes))).toEqual(digestPart(bytes));
    expect(digestsHashedOffThread()).toBe(before + 1);
  });
});
