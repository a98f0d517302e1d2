import { describe, expect, it } from 'vitest';
import { HeadlessUsageError, parseHeadlessArgs } from './headless-args.ts';

describe('parseHeadlessArgs', () => {
  it("defaults: the user's port, the default state dir, the saved token, open a browser", () => {
    expect(parseHeadlessArgs([])).toEqual({ port: undefined, stateDir: undefined, open: true, help: false, newToken: false });
  });

  it('reads --port, --state-dir and --no-open, spaced or with =', () => {
    expect(parseHeadlessArgs(['--port', '8080', '--state-dir', '/tmp/s', '--no-open'])).toEqual({ port: 8080, stateDir: '/tmp/s', open: false, help: false, newToken: false });
    expect(parseHeadlessArgs(['--new-token'])).toMatchObject({ newToken: true, port: undefined });
    expect(parseHeadlessArgs(['--port=0', '--state-dir=/x'])).toMatchObject({ port: 0, stateDir: '/x' });
  });

  it('--help', () => {
    expect(parseHeadlessArgs(['--help']).help).toBe(true);
    expect(parseHeadlessArgs(['-h']).help).toBe(true);
  });

  it('refuses bad ports, missing values and unknown arguments', () => {
    for (const argv of [['--port'], ['--port', 'abc'], ['--port', '-1'], ['--port', '65536'], ['--port', '1.5'], ['--state-dir'], ['--state-dir', '--no-open'], ['--nope'], ['extra'], ['--no-open=1'], ['--new-token=yes'], ['--new-token', 'x']]) {
      expect(() => parseHeadlessArgs(argv), JSON.stringify(argv)).toThrow(HeadlessUsageError);
    }
  });
});
