import { describe, expect, it } from 'vitest';
import { PartBuffers } from './part-buffers.ts';

describe('PartBuffers', () => {
  it('hands a released buffer to the next part instead of allocating another', () => {
    const buffers = new PartBuffers(1024);
    const first = buffers.take(1024);
    first.bytes.fill(7);
    const firstMemory = first.bytes.buffer;
    first.release();
    expect(buffers.idle).toBe(1);
    const second = buffers.take(1024);
    expect(second.bytes.buffer).toBe(firstMemory);
    expect(buffers.idle).toBe(0);
  });

  it('never hands one buffer to two parts at once', () => {
    const buffers = new PartBuffers(1024);
    const taken = [buffers.take(1024), buffers.take(1024), buffers.take(1024)];
    expect(new Set(taken.map((entry) => entry.bytes.buffer)).size).toBe(3);
    for (const entry of taken) entry.release();
    expect(buffers.idle).toBe(3);
  });

  it('gives a short last part a view of exactly its length, and takes the whole buffer back once', () => {
    const buffers = new PartBuffers(1024);
    const last = buffers.take(100);
    expect(last.bytes.length).toBe(100);
    expect(last.bytes.buffer.byteLength).toBe(1024);
    last.release();
    last.release();
    expect(buffers.idle).toBe(1);
    expect(buffers.take(1024).bytes.length).toBe(1024);
  });

  it('keeps its buffers in shared memory, so the hashing thread reads them in place', () => {
    expect(new PartBuffers(64).take(64).bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('serves a request over its size with a buffer of its own, not pooled', () => {
    const buffers = new PartBuffers(16);
    const big = buffers.take(32);
    expect(big.bytes.length).toBe(32);
    big.release();
    expect(buffers.idle).toBe(0);
  });
});
