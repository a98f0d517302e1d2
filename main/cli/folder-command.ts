import { formatBytes, formatDuration } from '../../shared/domain/units.ts';
import type { FolderChangeChoice, FolderResult } from '../engine/folders/folder-uploads.ts';
import type { FolderFileState, FolderRecord, FolderTotals } from '../engine/ports/folder-store.ts';
import type { Services } from '../services.ts';
import type { CliOptions } from './cli-args.ts';
import { cliTarget } from './orphans-command.ts';

/** Files that count as finished, for progress: sent, already there, or kept as the server had them (the app's choice). */
const FINISHED: readonly FolderFileState[] = ['done', 'there', 'kept'];
const NOT_SENT: readonly FolderFileState[] = ['failed', 'changed', 'removed', 'problem'];
/** What the CLI says of files the app left waiting for a choice (its folders ask before overwriting a different object). */
const DIFFERS_HINT = 'left as they are: the app decides them (Overwrite them / Keep the server’s on the folder’s row), or cancel this folder and upload it again with --if-exists overwrite';

/**
 * `upload <dir> s3://bucket/prefix/`: the folder as one object per file. The
 * folder is recorded at once, then walked and sent together; a second run of
 * the same command (or `resume`) continues it. One progress line for the
 * whole folder; at the end, every file not sent is named with why.
 */
export async function uploadFolder(path: string, location: { bucket: string; key: string }, options: CliOptions, services: Services): Promise<FolderResult> {
  const { folders } = services;
  const { folder, continued } = await folders.addFolder({
    path,
    bucket: location.bucket,
    prefix: location.key,
    target: cliTarget(options),
    ...(options.partSize ? { partSize: options.partSize } : {}),
    ifExists: options.ifExists ?? 'skip-identical',
  });
  if (continued) {
    process.stderr.write(`hoist: continuing unfinished folder upload ${folder.id} of ${path}\n`);
    if (options.ifExists !== undefined && options.ifExists !== folder.ifExists) {
      const started = folder.ifExists === 'ask' ? 'in the app, which asks before overwriting an object that differs' : `with --if-exists ${folder.ifExists}`;
      throw new Error(`folder upload ${folder.id} was started ${started}; cancel it to start over with ${options.ifExists}`);
    }
  }
  return withFolderProgress(services, options, () => folders.run(folder.id, options.onChange as FolderChangeChoice));
}

export function resumeFolders(services: Services, options: CliOptions): Promise<FolderResult[]> {
  return withFolderProgress(services, options, () => services.folders.resumeAll(options.onChange as FolderChangeChoice));
}

async function withFolderProgress<T>(services: Services, options: CliOptions, work: () => Promise<T>): Promise<T> {
  const live = !options.json && process.stderr.isTTY === true;
  const started = Date.now();
  const draw = () => {
    const lines = services.folders.views().filter((view) => view.running).map((view) => progressText(view.folder, view.totals, (Date.now() - started) / 1000));
    if (lines.length > 0) process.stderr.write(`\r\x1b[K${lines.join('  |  ')}`);
  };
  const timer = live ? setInterval(draw, 500) : undefined;
  try {
    return await work();
  } finally {
    if (timer) {
      clearInterval(timer);
      process.stderr.write('\r\x1b[K');
    }
  }
}

function sum(totals: FolderTotals, states: readonly FolderFileState[], what: 'files' | 'bytes'): number {
  return states.reduce((total, state) => total + totals[state][what], 0);
}

/** "1,234/2,000 files  80 MiB/125 MiB  12 MiB/s  ETA 4s  (3 failed)". */
export function progressText(folder: FolderRecord, totals: FolderTotals, seconds: number): string {
  const all = Object.keys(totals) as FolderFileState[];
  const sendable = all.filter((state) => state !== 'problem');
  const files = sum(totals, sendable, 'files');
  const bytes = sum(totals, sendable, 'bytes');
  const doneFiles = sum(totals, FINISHED, 'files');
  const doneBytes = sum(totals, FINISHED, 'bytes');
  const speed = seconds > 0 ? doneBytes / seconds : 0;
  const eta = speed > 0 && folder.walkedAt !== null ? `  ETA ${formatDuration((bytes - doneBytes) / speed)}` : '';
  const walking = folder.walkedAt === null ? ' (walking…)' : '';
  const failed = sum(totals, NOT_SENT, 'files');
  const differ = totals.differs.files;
  return `${doneFiles}/${files} files${walking}  ${formatBytes(doneBytes)}/${formatBytes(bytes)}  ${formatBytes(speed)}/s${eta}${failed ? `  (${failed} not sent)` : ''}${differ ? `  (${differ} differ)` : ''}`;
}

/** The end of each folder run, for a person (stdout, stderr) or as JSON; returns whether every folder completed, and whether one stopped on a change. */
export function reportFolders(results: readonly FolderResult[], services: Services, options: CliOptions, print = true): { ok: boolean; conflict: boolean } {
  for (const result of print ? results : []) {
    const folder = services.folders.views().find((view) => view.folder.id === result.id)?.folder;
    const where = folder ? `s3://${folder.bucket}/${folder.prefix}` : result.id;
    const { done, there } = result.totals;
    if (!options.json) {
      for (const relPath of result.walk.added) process.stderr.write(`hoist: ${relPath}: added to the folder since its upload started\n`);
      for (const line of fileLines(services, result.id, NOT_SENT)) process.stderr.write(`hoist: ${line}\n`);
      const differing = fileLines(services, result.id, ['differs']);
      for (const line of differing) process.stderr.write(`hoist: ${line}\n`);
      if (differing.length > 0) process.stderr.write(`hoist: ${differing.length} file(s) whose keys hold different objects ${DIFFERS_HINT}\n`);
      const problems = result.totals.problem.files ? `, ${result.totals.problem.files} not sendable` : '';
      const kept = result.totals.kept.files ? `, ${result.totals.kept.files} kept as on the server` : '';
      const summary = `${done.files} file(s) sent (${formatBytes(services.folders.bytesSent(result.id))}), ${there.files} already there${kept}${problems}`;
      const interrupted = result.interrupted.confirmed + result.interrupted.resent;
      const after = interrupted ? `; of ${interrupted} file(s) a stopped run left on their way, ${result.interrupted.confirmed} had arrived` : '';
      const line = `${result.outcome === 'completed' ? 'completed' : result.outcome} folder ${result.id} ${where} (${summary}${after})${result.error ? `: ${result.error}` : ''}\n`;
      (result.outcome === 'completed' ? process.stdout : process.stderr).write(line);
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  // Entries that can never be sent (links, special files, unreadable ones, names that cannot be keys) and files gone
  // since the walk fail the command too: they are named above.
  const ok = results.every((result) => result.outcome === 'completed' && result.totals.problem.files + result.totals.removed.files === 0);
  // Files waiting for the app's choice stop the command as changed files do: nothing failed, a person decides.
  return { ok, conflict: results.some((result) => result.outcome === 'conflict' || result.outcome === 'asking') };
}

/** Every file of the folder in these states, with why. */
function fileLines(services: Services, folderId: string, states: readonly FolderFileState[]): string[] {
  const lines: string[] = [];
  const store = services.folders.store;
  for (let after: string | null = null; ; ) {
    const page = store.listFolderFiles(folderId, states, after, 500);
    if (page.length === 0) break;
    after = page[page.length - 1]?.relPath ?? after;
    for (const file of page) lines.push(file.message ?? `${file.relPath}: ${file.state}`);
  }
  return lines;
}
