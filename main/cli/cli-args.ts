import { parseArgs } from 'node:util';
import { parseByteSize } from '../../shared/domain/units.ts';
import { locationProblem, parseS3Url } from '../../shared/domain/s3-url.ts';
import type { S3Location } from '../../shared/domain/s3-url.ts';
import { parseDuration, parseOrphansCommand, rejectStrayOrphanFlags } from './orphans-args.ts';
import type { OrphanFlags, OrphansCommand } from './orphans-args.ts';
import type { IfExists } from '../engine/ports/folder-store.ts';
import { unusedOption } from './option-scope.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: hoist <command> [options]

Commands:
  upload <path> s3://<bucket>/<key>   upload a file (or continue its unfinished upload);
                                      a folder goes as one .tar object made on the fly
  upload <dir> s3://<bucket>/<prefix>/
                                      a folder as one object per file under the prefix
                                      (or continue its unfinished folder upload)
  resume                              resume every unfinished upload
  status [--json]                     list uploads
  cancel <id>                         abort an upload on the server and forget it
  orphans s3://<bucket>[/<prefix>]    list unfinished multipart uploads on the server (key, id, started, parts, bytes)
      --abort ID                      abort that one
      --abort-all [--older-than 7d]   abort all (started longer ago than 7d, 12h, 30m)
      --adopt ID <path>               verify its parts against the file and record it for resume

Options:
  --state-dir DIR       state database directory (env HOIST_STATE_DIR)
  --endpoint URL        S3-compatible endpoint (env AWS_ENDPOINT_URL)
  --region R            region (env AWS_REGION; default us-east-1)
  --path-style          path-style addressing (needed by most S3-compatible servers)
  --part-size SIZE      part size for new uploads, e.g. 8MiB (min 5MiB)
  --concurrency N       parts in flight (default 4)
  --max-retries N       retries in a row without progress before failing (default 10)
  --stall-timeout SEC   abort and retry a request with no bytes moving (default 30)
  --verify sample|all   on resume, re-read a sample of the completed parts (default) or all of them
  --expiry D|never      how long the server keeps unfinished uploads when it does not say (default 7d)
  --rollover-window D   renew uploads the server would discard within D, copying their parts server-side (default 1d; 0s: never)
  --expiry-warning D    status flags uploads the server will discard within D (default 24h)
  --on-change fail|restart|reuse
                        when a file changed since its upload started (upload, resume): stop as a
                        conflict (default), start over with the new version, or keep the parts
                        that still read the same and send the rest
  --if-exists skip-identical|overwrite|fail
                        a folder's file whose key already holds an object: skip it when it has
                        the same bytes, else send it (default); send it anyway; or do not send
                        it and report it
  --json                machine-readable output (status, and results of upload/resume)
  -h, --help            this help

Exit codes: 0 done, 1 failed, 2 usage error, 3 stopped by a changed file (conflict), 130 interrupted.`;

/** The app's 'ask' leaves files for a person to decide on a folder's row: the CLI has no one to ask, so it does not offer it. */
type CliIfExists = Exclude<IfExists, 'ask'>;
const IF_EXISTS: readonly CliIfExists[] = ['skip-identical', 'overwrite', 'fail'];

export type Command =
  | { name: 'upload'; path: string; location: S3Location }
  | { name: 'resume' }
  | { name: 'status' }
  | { name: 'cancel'; id: string }
  | OrphansCommand
  | { name: 'help' };

/** What upload and resume do with a file that changed since its upload started. */
export type OnChange = 'fail' | 'restart' | 'reuse';

export interface CliOptions {
  stateDir: string | undefined;
  endpoint: string | undefined;
  region: string | undefined;
  pathStyle: boolean;
  partSize: number | undefined;
  concurrency: number | undefined;
  maxRetries: number | undefined;
  stallTimeoutMs: number | undefined;
  verify: 'sample' | 'all';
  onChange: OnChange;
  /** Undefined: the engine's default; null: the server never discards unfinished uploads. */
  expiryMs: number | null | undefined;
  rolloverWindowMs: number | undefined;
  expiryWarningMs: number;
  /** A folder's file whose key already holds an object (folders only; undefined: skip-identical). */
  ifExists: CliIfExists | undefined;
  json: boolean;
}

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${flag} needs a whole number, got "${text}"`);
  return Number(text);
}

function duration(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag}: "${text}" is not a duration (try 7d, 12h or 30m)`);
  return ms;
}

/** `given`: the long names of the options typed (not filled in by a default). */
export function parseCliArgs(argv: readonly string[]): { command: Command; options: CliOptions; given: ReadonlySet<string> } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      // Which options were typed, as opposed to filled in by a default: only those can be refused as unused.
      tokens: true,
      options: {
        'state-dir': { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        'path-style': { type: 'boolean', default: false },
        'part-size': { type: 'string' },
        concurrency: { type: 'string' },
        'max-retries': { type: 'string' },
        'stall-timeout': { type: 'string' },
        verify: { type: 'string', default: 'sample' },
        'on-change': { type: 'string', default: 'fail' },
        expiry: { type: 'string' },
        'rollover-window': { type: 'string' },
        'expiry-warning': { type: 'string', default: '24h' },
        abort: { type: 'string' },
        'abort-all': { type: 'boolean', default: false },
        'older-than': { type: 'string' },
        adopt: { type: 'string' },
        'if-exists': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  let partSize: number | undefined;
  if (values['part-size'] !== undefined) {
    partSize = parseByteSize(values['part-size']);
    if (partSize === undefined) throw new UsageError(`--part-size: "${values['part-size']}" is not a size (try 8MiB)`);
  }
  const concurrency = positiveInteger(values.concurrency, '--concurrency');
  if (concurrency === 0) throw new UsageError('--concurrency must be at least 1');
  const stall = positiveInteger(values['stall-timeout'], '--stall-timeout');
  const verify = values.verify;
  if (verify !== 'sample' && verify !== 'all') throw new UsageError(`--verify takes "sample" or "all", got "${verify}"`);
  const onChange = values['on-change'];
  if (onChange !== 'fail' && onChange !== 'restart' && onChange !== 'reuse') {
    throw new UsageError(`--on-change takes "fail", "restart" or "reuse", got "${onChange}"`);
  }
  const ifExists = values['if-exists'];
  if (ifExists !== undefined && !IF_EXISTS.includes(ifExists as CliIfExists)) {
    throw new UsageError(`--if-exists takes "skip-identical", "overwrite" or "fail", got "${ifExists}"`);
  }
  const options: CliOptions = {
    stateDir: values['state-dir'],
    endpoint: values.endpoint,
    region: values.region,
    pathStyle: values['path-style'] ?? false,
    partSize,
    concurrency,
    maxRetries: positiveInteger(values['max-retries'], '--max-retries'),
    stallTimeoutMs: stall === undefined ? undefined : stall * 1000,
    verify,
    onChange,
    expiryMs: values.expiry === 'never' ? null : duration(values.expiry, '--expiry'),
    rolloverWindowMs: duration(values['rollover-window'], '--rollover-window'),
    expiryWarningMs: duration(values['expiry-warning'], '--expiry-warning') ?? 24 * 3_600_000,
    ifExists: ifExists as CliIfExists | undefined,
    json: values.json ?? false,
  };
  const given = new Set(parsed.tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
  if (values.help) return { command: { name: 'help' }, options, given };
  const orphanFlags = { abort: values.abort, abortAll: values['abort-all'] ?? false, olderThan: values['older-than'], adopt: values.adopt };
  rejectStrayOrphanFlags(positionals[0], orphanFlags, (message) => new UsageError(message));
  const command = parseCommand(positionals, orphanFlags);
  const unused = unusedOption(command.name, given);
  if (unused) throw new UsageError(unused);
  return { command, options, given };
}

function parseCommand(positionals: readonly string[], orphanFlags: OrphanFlags): Command {
  const [name, ...rest] = positionals;
  const expectArgs = (count: number, shape: string): void => {
    if (rest.length !== count) throw new UsageError(`usage: hoist ${shape}`);
  };
  switch (name) {
    case 'upload': {
      expectArgs(2, 'upload <path> s3://<bucket>/<key>');
      // s3://bucket/ and s3://bucket/prefix/: a folder, one object per file under the prefix.
      const bucketOnly = /^s3:\/\/([^/]+)\/$/.exec(rest[1] as string);
      if (bucketOnly) {
        const problem = locationProblem({ bucket: bucketOnly[1] as string, key: 'x' });
        if (problem) throw new UsageError(problem);
        return { name: 'upload', path: rest[0] as string, location: { bucket: bucketOnly[1] as string, key: '' } };
      }
      const location = parseS3Url(rest[1] as string);
      if (!location) throw new UsageError(`"${rest[1]}" is not an s3://<bucket>/<key> address`);
      const problem = locationProblem(location);
      if (problem) throw new UsageError(problem);
      return { name: 'upload', path: rest[0] as string, location };
    }
    case 'resume':
      expectArgs(0, 'resume');
      return { name: 'resume' };
    case 'status':
      expectArgs(0, 'status [--json]');
      return { name: 'status' };
    case 'cancel':
      expectArgs(1, 'cancel <id>');
      return { name: 'cancel', id: rest[0] as string };
    case 'orphans':
      return parseOrphansCommand(rest, orphanFlags, (message) => new UsageError(message));
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
