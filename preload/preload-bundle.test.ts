import { build } from 'esbuild';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The preload is bundled as scripts/build.mjs does it (here in memory, nothing
// written): it must stay one small file that requires only electron. Importing
// the contract's zod schemas for values would bring all of zod (~765 KB).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the preload bundle', () => {
  it('requires nothing but electron and holds no zod', async () => {
    const result = await build({
      absWorkingDir: root,
      entryPoints: ['preload/preload.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    const text = output?.text ?? '';
    expect([...new Set(text.match(/require\([^)]*\)/g))]).toEqual(['require("electron")']);
    expect(Object.keys(result.metafile.inputs).filter((input) => input.includes('node_modules'))).toEqual([]);
    expect(Object.keys(result.metafile.inputs).sort()).toEqual(['preload/bridge-api.ts', 'preload/preload.ts', 'shared/ipc-channels.ts']);
    expect(text.length).toBeLessThan(20_000);
  });
});
