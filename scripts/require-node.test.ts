import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './require-node.mjs';

describe('the Node.js version check of the scripts people run', () => {
  it('accepts 22.12 and newer, refuses older ones in one line', () => {
    for (const version of ['v22.12.0', 'v22.23.5', 'v23.0.0', 'v24.1.0']) expect(nodeVersionProblem(version), version).toBeUndefined();
    for (const version of ['v22.11.9', 'v20.20.2', 'v18.19.0']) {
      expect(nodeVersionProblem(version), version).toBe(`Hoist needs Node.js >= 22.12; this is ${version} (see the README's quick start)`);
    }
  });

  it('lets this Node through', () => {
    expect(spawnSync(process.execPath, ['--input-type=module', '-e', "(await import('./scripts/require-node.mjs')).requireNode()"], { encoding: 'utf8' }).status).toBe(0);
  });

  // Debian's own node, where there is one older than 22.12 (this project's build machines have 20).
  const old = existsSync('/usr/bin/node') ? spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  it.skipIf(!old || !nodeVersionProblem(old))(`refuses an older Node (/usr/bin/node ${old}) in one line, before the CLI builds anything`, () => {
    const run = spawnSync('/usr/bin/node', ['scripts/cli.mjs', 'status'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`hoist: Hoist needs Node.js >= 22.12; this is ${old} (see the README's quick start)\n`);
  });
});
