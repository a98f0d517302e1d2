import { describe, expect, it } from 'vitest';
import { UsageError, parseCliArgs } from './cli-args.ts';
import { parseDuration } from './orphans-args.ts';

import type { OrphansCommand } from './orphans-args.ts';

const commandOf = (argv: string[]): OrphansCommand => {
  const { command } = parseCliArgs(argv);
  if (command.name !== 'orphans') throw new Error(`expected orphans, got ${command.name}`);
  return command;
};

function usageErrorOf(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

describe('orphans arguments', () => {
  it('lists a bucket or a prefix', () => {
    expect(commandOf(['orphans', 's3://media'])).toEqual({ name: 'orphans', bucket: 'media', prefix: '', action: { kind: 'list' } });
    expect(commandOf(['orphans', 's3://media/isos/', '--json'])).toEqual({ name: 'orphans', bucket: 'media', prefix: 'isos/', action: { kind: 'list' } });
  });

  it('--abort ID, --abort-all [--older-than], --adopt ID <path>', () => {
    expect(commandOf(['orphans', 's3://m', '--abort', 'U1']).action).toEqual({ kind: 'abort', uploadId: 'U1' });
    expect(commandOf(['orphans', 's3://m', '--abort-all']).action).toEqual({ kind: 'abort-all', olderThanMs: undefined });
    expect(commandOf(['orphans', 's3://m', '--abort-all', '--older-than', '7d']).action).toEqual({ kind: 'abort-all', olderThanMs: 7 * 86_400_000 });
    expect(commandOf(['orphans', 's3://m/k', '--adopt', 'U1', './f.bin']).action).toEqual({ kind: 'adopt', uploadId: 'U1', path: './f.bin' });
  });

  it('refuses mixed actions, stray flags, bad durations and missing arguments', () => {
    expect(usageErrorOf(['orphans', 's3://m', '--abort', 'U', '--abort-all'])).toContain('choose one of');
    expect(usageErrorOf(['orphans', 's3://m', '--older-than', '1d'])).toContain('--older-than goes with --abort-all');
    expect(usageErrorOf(['orphans', 's3://m', '--abort-all', '--older-than', '7 days'])).toContain('is not a duration');
    expect(usageErrorOf(['orphans', 's3://m', '--adopt', 'U'])).toContain('usage: hoist orphans');
    expect(usageErrorOf(['orphans', 'media'])).toContain('usage: hoist orphans');
    expect(usageErrorOf(['status', '--abort-all'])).toContain('--abort-all goes with the orphans command');
  });

  it('parses durations in days, hours, minutes and seconds', () => {
    expect([parseDuration('7d'), parseDuration('12h'), parseDuration('30m'), parseDuration('0m'), parseDuration('45s')]).toEqual([
      604_800_000, 43_200_000, 1_800_000, 0, 45_000,
    ]);
    expect([parseDuration('7'), parseDuration('1w'), parseDuration('-1d'), parseDuration('')]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
