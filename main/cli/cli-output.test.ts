import { describe, expect, it } from 'vitest';
import { conflictAdvice, stateWords } from './cli-output.ts';

describe('stateWords', () => {
  it('says an upload a run was stopped in will resume, and names the other states as they are', () => {
    expect(stateWords('queued')).toBe('interrupted, will resume');
    expect(stateWords('paused')).toBe('paused');
    expect(stateWords('failed')).toBe('failed');
    expect(stateWords('completed')).toBe('completed');
  });
});

describe('conflictAdvice', () => {
  it('names --on-change and cancel, with the CLI as it was started', () => {
    const advice = conflictAdvice('u-1', 'changed since the upload started (size 1 → 2)', 'npm run cli --');
    expect(advice).toContain('`npm run cli -- resume --on-change restart`');
    expect(advice).toContain('`npm run cli -- resume --on-change reuse`');
    expect(advice).toContain('`npm run cli -- cancel u-1`');
    expect(conflictAdvice('u-1', null, 'hoist')).toContain('`hoist resume --on-change restart`');
  });

  it('says nothing more when the message already names the choices', () => {
    expect(conflictAdvice('u-1', 'settle it (resume --on-change reuse, or …)', 'hoist')).toBe('');
  });
});
