import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { countingBody } from './counting-body.ts';

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('countingBody', () => {
  it('streams every byte in order and reports each chunk as it is pulled', async () => {
    const bytes = randomBytes(300 * 1024 + 7);
    const counted: number[] = [];
    const out = await drain(countingBody(bytes, { onBytesSent: (count) => counted.push(count) }));
    expect(out.equals(bytes)).toBe(true);
    expect(counted.length).toBeGreaterThan(1);
    expect(counted.reduce((sum, count) => sum + count, 0)).toBe(bytes.length);
  });

  it('asks beforeChunk for every chunk before handing it on, one at a time', async () => {
    const bytes = randomBytes(200 * 1024);
    const log: string[] = [];
    let waiting = 0;
    let maxWaiting = 0;
    const beforeChunk = async (count: number): Promise<void> => {
      waiting += 1;
      maxWaiting = Math.max(maxWaiting, waiting);
      log.push(`ask ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      waiting -= 1;
    };
    const out = await drain(countingBody(bytes, { onBytesSent: (count) => log.push(`sent ${count}`), beforeChunk }));
    expect(out.equals(bytes)).toBe(true);
    expect(maxWaiting).toBe(1);
    // Strictly alternating: a chunk is reported sent only after it was granted.
    expect(log.every((entry, index) => entry.startsWith(index % 2 === 0 ? 'ask' : 'sent'))).toBe(true);
    const asked = log.filter((entry) => entry.startsWith('ask')).map((entry) => Number(entry.split(' ')[1]));
    expect(asked.reduce((sum, count) => sum + count, 0)).toBe(bytes.length);
  });

  it('sizes each chunk as chunkBytes says when it is asked, the last one short', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 3);
    const sizes: number[] = [];
    let step = 1024 * 1024;
    const stream = countingBody(bytes, {
      onBytesSent: (count) => {
        sizes.push(count);
        // A limit set in the middle of a part applies from the next chunk.
        if (sizes.length === 2) step = 64 * 1024;
      },
      chunkBytes: () => step,
    });
    const out = await drain(stream);
    expect(out.equals(bytes)).toBe(true);
    expect(sizes.slice(0, 3)).toEqual([1024 * 1024, 1024 * 1024, 64 * 1024]);
    expect(sizes.at(-1)).toBe(3);
    expect(sizes.slice(2, -1).every((size) => size === 64 * 1024)).toBe(true);
  });

  it('accepts a beforeChunk that grants at once without a promise', async () => {
    const bytes = randomBytes(100_000);
    let asked = 0;
    const out = await drain(countingBody(bytes, { beforeChunk: (count) => void (asked += count) }));
    expect(out.equals(bytes)).toBe(true);
    expect(asked).toBe(bytes.length);
  });

  it('fails the stream when beforeChunk rejects, so the request fails with it', async () => {
    const bytes = randomBytes(200 * 1024);
    let calls = 0;
    const stream = countingBody(bytes, { beforeChunk: async () => {
      calls += 1;
      if (calls === 2) throw new Error('stopped: paused');
    } });
    await expect(drain(stream)).rejects.toThrow('stopped: paused');
  });

  it('ends quietly when beforeChunk rejects after the request let go of the body (no unhandled error)', async () => {
    const bytes = randomBytes(200 * 1024);
    let reject: (error: Error) => void = () => undefined;
    const stream = countingBody(bytes, { beforeChunk: () => new Promise<void>((_resolve, fail) => (reject = fail)) });
    stream.resume();
    await new Promise((resolve) => setImmediate(resolve));
    // Nobody listens for 'error' now, as when the SDK aborted the request: an emitted error would crash the process.
    expect(stream.listenerCount('error')).toBe(0);
    reject(new Error('stopped: paused'));
    await new Promise((resolve) => stream.once('close', resolve));
    expect(stream.destroyed).toBe(true);
  });
});
