import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './require-node.mjs';

// .ci/node.sh decides whether CI must fetch Node 22 from the npm registry. The
// fetch itself needs the registry; what is checked here is the decision, with
// the Node running this test and, where there is one, Debian's older node.
function source(script: string, path: string) {
  return spawnSync('/bin/bash', ['-c', `set -euo pipefail; source .ci/node.sh; ${script}`], { encoding: 'utf8', env: { ...process.env, PATH: path } });
}

describe('.ci/node.sh', () => {
  it('keeps a Node that is new enough, fetching nothing', () => {
    const path = `${dirname(process.execPath)}:/usr/bin:/bin`;
    expect(source('hoist_node_ok', path).status).toBe(0);
    const run = source('hoist_use_node; node --version', path);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`ci: using Node.js ${process.version} from ${process.execPath}`);
    expect(run.stderr).not.toContain('fetching');
    expect(run.stdout.trim()).toBe(process.version);
  });

  it('takes no node at all for one to fetch', () => {
    expect(source('hoist_node_ok', '/nonexistent').status).toBe(1);
  });

  // Debian 12's own node (18), or this project's build machines' 20, where there is one.
  const debianNode = existsSync('/usr/bin/node') ? spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  it.skipIf(!debianNode || !nodeVersionProblem(debianNode))(`takes an older node (/usr/bin/node ${debianNode}) for one to replace`, () => {
    expect(source('hoist_node_ok', '/usr/bin:/bin').status).toBe(1);
  });
});
