import { describe, expect, it } from 'vitest';
import { invokedAs } from './invoked-as.ts';

describe('invokedAs', () => {
  it('names the command that works the way the user ran it', () => {
    expect(invokedAs(['/usr/bin/node', '/usr/local/bin/hoist'], {}, '/home/u')).toBe('hoist');
    expect(invokedAs(['/usr/bin/node', '/repo/scripts/cli.mjs'], { npm_lifecycle_event: 'cli' }, '/repo')).toBe('npm run cli --');
    expect(invokedAs(['/usr/bin/node', '/repo/dist/cli/hoist.mjs'], {}, '/repo')).toBe('node dist/cli/hoist.mjs');
    expect(invokedAs(['/usr/bin/node', '/repo/dist/cli/hoist.mjs'], {}, '/elsewhere')).toBe('node /repo/dist/cli/hoist.mjs');
  });
});
