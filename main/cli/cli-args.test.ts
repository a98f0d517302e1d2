import { describe, expect, it } from 'vitest';
import { USAGE, UsageError, parseCliArgs } from './cli-args.ts';

const MiB = 1024 * 1024;

/** Runs parseCliArgs expecting a UsageError; returns its message. */
function usageErrorOf(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

describe('parseCliArgs: commands', () => {
  it('upload <path> s3://bucket/key', () => {
    const { command } = parseCliArgs(['upload', './big.iso', 's3://media/isos/big.iso']);
    expect(command).toEqual({ name: 'upload', path: './big.iso', location: { bucket: 'media', key: 'isos/big.iso' } });
  });

  it('resume, status and cancel <id>', () => {
    expect(parseCliArgs(['resume']).command).toEqual({ name: 'resume' });
    expect(parseCliArgs(['status']).command).toEqual({ name: 'status' });
    expect(parseCliArgs(['cancel', 'abc123']).command).toEqual({ name: 'cancel', id: 'abc123' });
  });

  it('--help and -h win over any command', () => {
    expect(parseCliArgs(['--help']).command).toEqual({ name: 'help' });
    expect(parseCliArgs(['-h', 'upload']).command).toEqual({ name: 'help' });
    expect(parseCliArgs(['bogus', '--help']).command).toEqual({ name: 'help' });
  });

  it('options may come before or after the command', () => {
    const before = parseCliArgs(['--json', 'status']);
    const after = parseCliArgs(['status', '--json']);
    expect(before).toEqual(after);
    expect(after.options.json).toBe(true);
  });
});

describe('parseCliArgs: options', () => {
  it('defaults every option', () => {
    expect(parseCliArgs(['status']).options).toEqual({
      stateDir: undefined,
      endpoint: undefined,
      region: undefined,
      pathStyle: false,
      partSize: undefined,
      concurrency: undefined,
      maxRetries: undefined,
      stallTimeoutMs: undefined,
      verify: 'sample',
      onChange: 'fail',
      expiryMs: undefined,
      rolloverWindowMs: undefined,
      expiryWarningMs: 24 * 3_600_000,
      json: false,
    });
  });

  it('reads every option', () => {
    const { options } = parseCliArgs([
      'upload',
      'f',
      's3://bkt/k',
      '--state-dir',
      '/tmp/state',
      '--endpoint',
      'http://localhost:8000',
      '--region',
      'eu-west-1',
      '--path-style',
      '--part-size',
      '16MiB',
      '--concurrency',
      '8',
      '--max-retries',
      '0',
      '--stall-timeout',
      '45',
      '--verify',
      'all',
      '--on-change',
      'reuse',
      '--expiry',
      '2d',
      '--rollover-window',
      '1d',
      '--json',
    ]);
    expect(options).toEqual({
      stateDir: '/tmp/state',
      endpoint: 'http://localhost:8000',
      region: 'eu-west-1',
      pathStyle: true,
      partSize: 16 * MiB,
      concurrency: 8,
      maxRetries: 0,
      stallTimeoutMs: 45_000,
      verify: 'all',
      onChange: 'reuse',
      expiryMs: 2 * 86_400_000,
      rolloverWindowMs: 86_400_000,
      expiryWarningMs: 24 * 3_600_000,
      json: true,
    });
  });

  it('refuses a --verify mode it does not know', () => {
    expect(() => parseCliArgs(['resume', '--verify', 'some'])).toThrow(UsageError);
  });

  it('takes --on-change fail, restart or reuse and refuses anything else', () => {
    expect(parseCliArgs(['upload', 'f', 's3://bkt/k', '--on-change', 'restart']).options.onChange).toBe('restart');
    expect(parseCliArgs(['resume', '--on-change=fail']).options.onChange).toBe('fail');
    expect(() => parseCliArgs(['resume', '--on-change', 'merge'])).toThrow(/--on-change takes "fail", "restart" or "reuse", got "merge"/);
  });

  it('takes --if-exists skip-identical, overwrite or fail, and refuses the app’s ask (nobody answers a CLI run)', () => {
    expect(parseCliArgs(['upload', 'd', 's3://bkt/p/', '--if-exists', 'overwrite']).options.ifExists).toBe('overwrite');
    expect(parseCliArgs(['upload', 'd', 's3://bkt/p/']).options.ifExists).toBeUndefined();
    expect(usageErrorOf(['upload', 'd', 's3://bkt/p/', '--if-exists', 'ask'])).toBe('--if-exists takes "skip-identical", "overwrite" or "fail", got "ask"');
  });

  it('accepts --opt=value and plain byte counts for --part-size', () => {
    const { options } = parseCliArgs(['upload', 'f', 's3://bkt/k', '--part-size=5242880', '--concurrency=2']);
    expect(options.partSize).toBe(5 * MiB);
    expect(options.concurrency).toBe(2);
  });
});

describe('parseCliArgs: usage errors', () => {
  it('no command', () => {
    expect(usageErrorOf([])).toBe('no command given');
  });

  it('unknown command', () => {
    expect(usageErrorOf(['download'])).toBe('unknown command "download"');
  });

  it('unknown option', () => {
    expect(usageErrorOf(['status', '--verbose'])).toMatch(/verbose/);
  });

  it('bad s3 url', () => {
    expect(usageErrorOf(['upload', 'f.bin', 'https://bucket/key'])).toMatch(/is not an s3:\/\/<bucket>\/<key> address/);
    expect(usageErrorOf(['upload', 'f.bin', 's3://bucket-only'])).toMatch(/s3:\/\/<bucket>\/<key>/);
  });

  it.each([
    [['upload', 'f.bin']],
    [['upload', 'f.bin', 's3://b/k', 'extra']],
    [['resume', 'now']],
    [['status', 'all']],
    [['cancel']],
    [['cancel', 'a', 'b']],
  ])('wrong arity: %j', (argv) => {
    expect(usageErrorOf(argv)).toMatch(/^usage: hoist /);
  });

  it('bad --part-size', () => {
    expect(usageErrorOf(['status', '--part-size', 'big'])).toBe('--part-size: "big" is not a size (try 8MiB)');
    expect(usageErrorOf(['status', '--part-size', '5 XB'])).toMatch(/not a size/);
  });

  it('--concurrency 0', () => {
    expect(usageErrorOf(['status', '--concurrency', '0'])).toBe('--concurrency must be at least 1');
  });

  it.each(['abc', '1.5', '=-1'])('--concurrency%s is not a whole number', (value) => {
    const argv = value.startsWith('=') ? ['status', `--concurrency${value}`] : ['status', '--concurrency', value];
    expect(usageErrorOf(argv)).toMatch(/--concurrency needs a whole number/);
  });

  it('bad --max-retries and --stall-timeout', () => {
    expect(usageErrorOf(['status', '--max-retries', 'many'])).toMatch(/--max-retries needs a whole number/);
    expect(usageErrorOf(['status', '--stall-timeout', '2.5'])).toMatch(/--stall-timeout needs a whole number/);
  });

  it('an option missing its value', () => {
    expect(usageErrorOf(['status', '--endpoint'])).toMatch(/endpoint/);
  });
});

describe('USAGE', () => {
  it('lists every command', () => {
    for (const command of ['upload', 'resume', 'status', 'cancel']) expect(USAGE).toContain(`  ${command}`);
  });
});

describe('parseCliArgs: expiry options', () => {
  it('--expiry takes a duration or never; --rollover-window and --expiry-warning take durations', () => {
    const { options } = parseCliArgs(['resume', '--expiry', '3d', '--rollover-window', '12h']);
    expect(options).toMatchObject({ expiryMs: 3 * 86_400_000, rolloverWindowMs: 12 * 3_600_000 });
    expect(parseCliArgs(['status', '--expiry-warning', '90m']).options.expiryWarningMs).toBe(90 * 60_000);
    expect(parseCliArgs(['resume', '--expiry', 'never']).options.expiryMs).toBeNull();
    expect(parseCliArgs(['resume', '--rollover-window', '0s']).options.rolloverWindowMs).toBe(0);
    expect(parseCliArgs(['status']).options).toMatchObject({ expiryMs: undefined, rolloverWindowMs: undefined, expiryWarningMs: 24 * 3_600_000 });
  });

  it('refuses what is not a duration, naming the flag', () => {
    expect(usageErrorOf(['resume', '--expiry', 'soon'])).toBe('--expiry: "soon" is not a duration (try 7d, 12h or 30m)');
    expect(usageErrorOf(['resume', '--rollover-window', '2 days'])).toMatch(/^--rollover-window: "2 days" is not a duration/);
    expect(usageErrorOf(['status', '--expiry-warning', '1w'])).toMatch(/^--expiry-warning: "1w"/);
  });
});

describe('parseCliArgs: no option is silently ignored', () => {
  it('refuses an option the command does not use, naming both', () => {
    expect(usageErrorOf(['status', '--concurrency', '2'])).toBe('--concurrency does nothing for `hoist status` (see hoist --help for what it applies to); leave it out');
    expect(usageErrorOf(['upload', 'f', 's3://bkt/k', '--expiry-warning', '1h'])).toMatch(/^--expiry-warning does nothing for `hoist upload`/);
    expect(usageErrorOf(['cancel', 'abc', '--verify', 'all'])).toMatch(/^--verify does nothing for `hoist cancel`/);
    expect(usageErrorOf(['orphans', 's3://bkt', '--part-size', '8MiB'])).toMatch(/^--part-size does nothing for `hoist orphans`/);
  });

  it('reads which options were typed, not those a default filled in', () => {
    expect([...parseCliArgs(['status']).given]).toEqual([]);
    expect([...parseCliArgs(['resume', '--path-style', '--on-change=reuse']).given].sort()).toEqual(['on-change', 'path-style']);
  });

  it('lets resume, cancel and status take what an upload recorded (checked against the records when they are read)', () => {
    expect(parseCliArgs(['resume', '--endpoint', 'http://h:1', '--region', 'r', '--path-style', '--part-size', '8MiB', '--if-exists', 'fail']).command).toEqual({ name: 'resume' });
    expect(parseCliArgs(['status', '--path-style']).command).toEqual({ name: 'status' });
  });
});
