/** The `orphans` command's arguments; cli-args.ts owns the flags and hands their values here. */

export interface OrphanFlags {
  abort: string | undefined;
  abortAll: boolean;
  olderThan: string | undefined;
  adopt: string | undefined;
}

export type OrphansAction =
  | { kind: 'list' }
  | { kind: 'abort'; uploadId: string }
  | { kind: 'abort-all'; olderThanMs: number | undefined }
  | { kind: 'adopt'; uploadId: string; path: string };

export interface OrphansCommand {
  name: 'orphans';
  bucket: string;
  prefix: string;
  action: OrphansAction;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "7d", "12h", "30m", "45s" → milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([dhms])$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** `orphans s3://bucket[/prefix] [--abort ID | --abort-all [--older-than D] | --adopt ID <path>]`; errors are thrown as usage(message). */
export function parseOrphansCommand(rest: readonly string[], flags: OrphanFlags, usage: (message: string) => Error): OrphansCommand {
  const shape = 'orphans s3://<bucket>[/<prefix>] [--json | --abort ID | --abort-all [--older-than 7d] | --adopt ID <path>]';
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(rest[0] ?? '');
  if (!match || !match[1]) throw usage(`usage: hoist ${shape}`);
  const where = { bucket: match[1], prefix: match[2] ?? '' };
  const chosen = [flags.abort !== undefined, flags.abortAll, flags.adopt !== undefined].filter(Boolean).length;
  if (chosen > 1) throw usage('orphans: choose one of --abort, --abort-all and --adopt');
  if (flags.olderThan !== undefined && !flags.abortAll) throw usage('--older-than goes with --abort-all');
  const expected = flags.adopt !== undefined ? 2 : 1;
  if (rest.length !== expected) throw usage(`usage: hoist ${shape}`);
  if (flags.adopt !== undefined) return { name: 'orphans', ...where, action: { kind: 'adopt', uploadId: flags.adopt, path: rest[1] as string } };
  if (flags.abort !== undefined) return { name: 'orphans', ...where, action: { kind: 'abort', uploadId: flags.abort } };
  if (flags.abortAll) {
    let olderThanMs: number | undefined;
    if (flags.olderThan !== undefined) {
      olderThanMs = parseDuration(flags.olderThan);
      if (olderThanMs === undefined) throw usage(`--older-than: "${flags.olderThan}" is not a duration (try 7d, 12h or 30m)`);
    }
    return { name: 'orphans', ...where, action: { kind: 'abort-all', olderThanMs } };
  }
  return { name: 'orphans', ...where, action: { kind: 'list' } };
}

/** The orphans flags make sense with `orphans` only. */
export function rejectStrayOrphanFlags(command: string | undefined, flags: OrphanFlags, usage: (message: string) => Error): void {
  if (command === 'orphans') return;
  const stray = [flags.abort !== undefined && '--abort', flags.abortAll && '--abort-all', flags.olderThan !== undefined && '--older-than', flags.adopt !== undefined && '--adopt'].find(Boolean);
  if (stray) throw usage(`${stray} goes with the orphans command`);
}
