import { describe, expect, it } from 'vitest';
import { stateWords } from './cli-output.ts';

describe('stateWords', () => {
  it('says an upload a run was stopped in will resume, and names the other states as they are', () => {
    expect(stateWords('queued')).toBe('interrupted, will resume');
    expect(stateWords('paused')).toBe('paused');
    expect(stateWords('failed')).toBe('failed');
    expect(stateWords('completed')).toBe('completed');
  });
});
