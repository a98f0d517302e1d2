import { describe, expect, it } from 'vitest';
import { PartBuffers } from './part-buffers.ts';

describe('PartBuffers', () => {
  it('hands a released buffer to the next part instead of allocating another', () => {
    const buffers = new PartBuffers(4);
    const first = buffers.take(1024);
    first.bytes.fill(7);
    const firstMemory = first.bytes.buffer;
    first.release();
    expect(buffers.idle).toBe(1);
    const second = buffers.take(1024);
    expect(second.bytes.buffer).toBe(firstMemory);
    expect(buffers.idle).toBe(0);
    expect(buffers.allocated).toBe(1);
  });

  it('never hands one buffer to two parts at once', () => {
    const buffers = new PartBuffers(4);
    const taken = [buffers.take(1024), buffers.take(1024), buffers.take(1024)];
    expect(new Set(taken.map((entry) => entry.bytes.buffer)).size).toBe(3);
    for (const entry of taken) entry.release();
    expect(buffers.idle).toBe(3);
  });

  it('gives a short last part a view of exactly its length, and takes the whole buffer back once', () => {
    const buffers = new PartBuffers(4);
    const last = buffers.take(100, 1024);
    expect(last.bytes.length).toBe(100);
    expect(last.bytes.buffer.byteLength).toBe(1024);
    last.release();
    last.release();
    expect(buffers.idle).toBe(1);
    expect(buffers.take(1024).bytes.length).toBe(1024);
    expect(buffers.allocated).toBe(1);
  });

  it('keeps its buffers in shared memory, so the hashing thread reads them in place', () => {
    expect(new PartBuffers(1).take(64).bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('keeps no more buffers than its limit, in use and idle together', () => {
    const buffers = new PartBuffers(2);
    const taken = [buffers.take(64), buffers.take(64), buffers.take(64)];
    for (const entry of taken) entry.release();
    expect(buffers.held).toBe(2);
    expect(buffers.idle).toBe(2);
  });

  it('serves parts of different sizes from one pool: the smallest idle buffer that fits, a small one let go when full', () => {
    const buffers = new PartBuffers(2);
    const small = buffers.take(64);
    const large = buffers.take(256);
    small.release();
    large.release();
    // A 64-byte part takes the 64-byte buffer, not the 256-byte one.
    const again = buffers.take(60, 64);
    expect(again.bytes.buffer.byteLength).toBe(64);
    again.release();
    // A 512-byte part fits neither: the pool is full, so the smallest idle buffer goes.
    const larger = buffers.take(512);
    larger.release();
    expect(buffers.held).toBe(2);
    expect(buffers.take(200).bytes.buffer.byteLength).toBe(256);
  });

  it('shrinks to a lower limit', () => {
    const buffers = new PartBuffers(4);
    const taken = [buffers.take(8), buffers.take(8), buffers.take(8), buffers.take(8)];
    for (const entry of taken) entry.release();
    buffers.setLimit(1);
    expect(buffers.held).toBe(1);
  });
});
