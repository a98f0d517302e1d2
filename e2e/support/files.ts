import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function makeTempDir(prefix = 'hoist-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A file of random bytes (so every part differs and a misplaced part shows). */
export async function makeRandomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const block = 4 * 1024 * 1024;
    for (let written = 0; written < size; written += block) await handle.write(randomBytes(Math.min(block, size - written)));
  } finally {
    await handle.close();
  }
}

export async function fileDigest(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}
