/**
 * Which options each command uses. An option a command would not use is
 * refused with why and what to do instead, never silently ignored: a user
 * who typed `resume --endpoint URL` expects the uploads to go there, and
 * must be told that they will not.
 */

import { formatBytes } from '../../shared/domain/units.ts';

type CommandName = 'upload' | 'resume' | 'status' | 'cancel' | 'orphans';

/** Options every command takes (where the state is, how to print). */
const EVERYWHERE = new Set(['state-dir', 'json', 'help']);

/** What sending needs: how many parts in flight, retries, stalls, what to do on expiry and change. */
const SENDING = ['concurrency', 'max-retries', 'stall-timeout', 'verify', 'on-change', 'expiry', 'rollover-window'];

/**
 * What an upload recorded when it started: where it goes, its part size, a
 * folder's if-exists choice. Commands on recorded uploads (resume, cancel,
 * status) take these only to restate the record, which scripts and aliases
 * that pass the same flags to every command do; a different value is
 * refused once the records are read (see recordedOptionProblem).
 */
export const RECORDED = ['endpoint', 'region', 'path-style', 'part-size', 'if-exists'] as const;
export type RecordedOption = (typeof RECORDED)[number];

const USED: Record<CommandName, ReadonlySet<string>> = {
  upload: new Set([...RECORDED, ...SENDING]),
  resume: new Set([...RECORDED, ...SENDING]),
  status: new Set([...RECORDED, 'expiry-warning']),
  cancel: new Set([...RECORDED, 'stall-timeout', 'max-retries']),
  // Listing, aborting and adopting uploads on a server the user names; an adopted upload gets the expiry rules.
  orphans: new Set(['endpoint', 'region', 'path-style', 'stall-timeout', 'max-retries', 'expiry', 'rollover-window', 'abort', 'abort-all', 'older-than', 'adopt']),
};

/**
 * The first option given that `command` would not use, as a message (undefined:
 * all are used). `given` holds the long names typed on the command line, not
 * those filled in by defaults.
 */
export function unusedOption(command: string, given: ReadonlySet<string>): string | undefined {
  if (!(command in USED)) return undefined;
  const name = command as CommandName;
  for (const option of given) {
    if (EVERYWHERE.has(option) || USED[name].has(option)) continue;
    return `--${option} does nothing for \`hoist ${name}\` (see hoist --help for what it applies to); leave it out`;
  }
  return undefined;
}

/** One recorded upload or folder as the options are compared with it. */
export interface RecordedTarget {
  /** How the user knows it: "upload 3f2a… of /data/a.bin". */
  what: string;
  endpoint: string | undefined;
  region: string;
  pathStyle: boolean;
  partSize: number;
  /** Folders only. */
  ifExists?: string;
}

/** The values the user typed for the recorded options. */
export type TypedValues = Partial<Record<RecordedOption, string | number | boolean | undefined>>;

// Where an upload goes is one choice: the three options share their answer.
const WHERE = 'an upload continues against the endpoint, region and addressing it started with; to send it to another server, cancel it and upload it again there';

const WHY: Record<RecordedOption, string> = {
  endpoint: WHERE,
  region: WHERE,
  'path-style': WHERE,
  'part-size': 'an upload keeps the part size it started with: its parts are planned, and some may be on the server; cancel it and upload it again to change it',
  'if-exists': 'a folder keeps the --if-exists it was started with; cancel the folder and upload it again to change it',
};

function shown(option: RecordedOption, value: unknown): string {
  if (option === 'path-style') return value ? 'path-style addressing' : 'virtual-hosted addressing';
  if (option === 'part-size' && typeof value === 'number') return `parts of ${formatBytes(value)}`;
  return value === undefined ? 'AWS (no endpoint)' : String(value);
}

/**
 * A recorded option typed with a value that differs from what one of the
 * uploads the command acts on recorded: it would be ignored for that upload,
 * so it is refused, naming the upload, both values and what to do instead.
 */
export function recordedOptionProblem(command: string, typed: TypedValues, targets: readonly RecordedTarget[]): string | undefined {
  for (const option of RECORDED) {
    if (!(option in typed)) continue;
    const wanted = typed[option];
    const applicable = option === 'if-exists' ? targets.filter((target) => target.ifExists !== undefined) : targets;
    if (option === 'if-exists' && targets.length > 0 && applicable.length === 0) {
      return `--if-exists does nothing for \`hoist ${command}\`: none of the uploads it acts on is a folder sent as one object per file; leave it out`;
    }
    for (const target of applicable) {
      const recorded = recordedValue(target, option);
      if (sameValue(option, recorded, wanted)) continue;
      const typedText = option === 'path-style' ? '' : option === 'part-size' && typeof wanted === 'number' ? `${formatBytes(wanted)} ` : `${String(wanted)} `;
      return `--${option} ${typedText}does nothing for \`hoist ${command}\`: ${target.what} was started with ${shown(option, recorded)}. ${capitalised(WHY[option])}; or leave --${option} out`;
    }
  }
  return undefined;
}

function recordedValue(target: RecordedTarget, option: RecordedOption): string | number | boolean | undefined {
  if (option === 'endpoint') return target.endpoint;
  if (option === 'region') return target.region;
  if (option === 'path-style') return target.pathStyle;
  if (option === 'part-size') return target.partSize;
  return target.ifExists;
}

function sameValue(option: RecordedOption, recorded: unknown, wanted: unknown): boolean {
  // "http://host:7480/" and "http://host:7480" name the same endpoint.
  if (option === 'endpoint' && typeof recorded === 'string' && typeof wanted === 'string') return recorded.replace(/\/+$/, '') === wanted.replace(/\/+$/, '');
  return recorded === wanted;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
