import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../engine/errors.ts';
import { FileSource } from './file-source.ts';

describe('FileSource.readWhole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-read-whole-'));
  const source = new FileSource();

  it('reads a small file whole, with the same stat as stat() gives', async () => {
    const path = join(dir, 'small.bin');
    const content = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    writeFileSync(path, content);
    const whole = await source.readWhole(path, 1 << 20);
    expect(Buffer.from(whole.bytes ?? [])).toEqual(content);
    expect(whole.stat).toEqual(await source.stat(path));
  });

  it('reads an empty file as zero bytes', async () => {
    const path = join(dir, 'empty');
    writeFileSync(path, '');
    const whole = await source.readWhole(path, 10);
    expect(whole.bytes?.length).toBe(0);
    expect(whole.stat.size).toBe(0);
  });

  it('does not read a file of maxBytes or more, and says its size', async () => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, Buffer.alloc(4096));
    const whole = await source.readWhole(path, 4096);
    expect(whole.bytes).toBeUndefined();
    expect(whole.stat.size).toBe(4096);
  });

  it('names a missing file and a folder as SourceErrors', async () => {
    await expect(source.readWhole(join(dir, 'nope'), 10)).rejects.toMatchObject({ code: 'missing' });
    mkdirSync(join(dir, 'sub'));
    const error = await source.readWhole(join(dir, 'sub'), 10).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).code).toBe('not-a-file');
  });
});
