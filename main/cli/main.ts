import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatBytes } from '../../shared/domain/units.ts';
import { formatS3Url } from '../../shared/domain/s3-url.ts';
import { SourceError, StateStoreFullError } from '../engine/errors.ts';
import type { RunResult } from '../engine/upload-engine.ts';
import { DEFAULT_RETRY_POLICY } from '../engine/sending/retry-budget.ts';
import { openServices } from '../services.ts';
import type { Services } from '../services.ts';
import { parseCliArgs, USAGE, UsageError } from './cli-args.ts';
import type { CliOptions, Command } from './cli-args.ts';
import { conflictAdvice, printStatus, ProgressLine } from './cli-output.ts';
import { cliTarget, orphansCommand } from './orphans-command.ts';
import { resumeWithChoice, runWithChoice } from './on-change.ts';
import { rebuildAfterRecovery, writerOf } from './state-recovery.ts';
import { misdirectedOption } from './command-targets.ts';
import { invokedAs } from './invoked-as.ts';
import { reportFolders, resumeFolders, uploadFolder } from './folder-command.ts';
import type { FolderResult } from '../engine/folders/folder-uploads.ts';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** A file changed since its upload started and the user asked to be told (--on-change fail): nothing else failed. */
const EXIT_CONFLICT = 3;
const EXIT_INTERRUPTED = 130;

function fail(message: string): never {
  process.stderr.write(`hoist: ${message}\n`);
  process.exit(EXIT_FAILED);
}

export async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  let options: CliOptions;
  let given: ReadonlySet<string>;
  try {
    ({ command, options, given } = parseCliArgs(argv));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`hoist: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (command.name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }

  let services: Services;
  const writer = writerOf(command);
  try {
    services = openServices({
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(writer ? { lockFor: writer } : {}),
      ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
      engine: {
        verify: options.verify,
        ...(options.expiryMs !== undefined ? { expiryMsFor: () => options.expiryMs as number | null } : {}),
        ...(options.rolloverWindowMs !== undefined ? { rolloverWindowMs: options.rolloverWindowMs } : {}),
        ...(options.concurrency ? { concurrency: options.concurrency, maxActiveUploads: options.concurrency } : {}),
        ...(options.partSize ? { defaultPartSize: options.partSize } : {}),
        ...(options.maxRetries !== undefined ? { retryPolicy: { ...DEFAULT_RETRY_POLICY, maxRetries: options.maxRetries } } : {}),
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }

  await rebuildAfterRecovery(services, (line) => process.stderr.write(`hoist: ${line}\n`));
  // Finished uploads are kept for a while (status shows them), then forgotten; a reader leaves that to writers.
  if (writer) services.engine.pruneHistory();

  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    process.stderr.write(`\nhoist: stopping; state is recorded, run \`${invokedAs()} resume\` to continue\n`);
    void services.engine.shutdown();
    void services.folders.shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // Read from the records, so only now: an option that differs from what the uploads recorded would be ignored.
    const misdirected = misdirectedOption(command, given, options, services);
    if (misdirected) {
      process.stderr.write(`hoist: ${misdirected}\n`);
      return EXIT_USAGE;
    }
    const code = await runCommand(command, options, services);
    return interrupted ? EXIT_INTERRUPTED : code;
  } finally {
    services.close();
  }
}

async function runCommand(command: Command, options: CliOptions, services: Services): Promise<number> {
  const { engine } = services;
  switch (command.name) {
    case 'status':
      printStatus(engine.snapshot(), options.json, { now: Date.now(), expiryWarningHours: options.expiryWarningMs / 3_600_000 }, services.folders.views());
      return EXIT_OK;
    case 'cancel':
      try {
        if (services.folders.store.getFolder(command.id)) await services.folders.cancel(command.id);
        else await engine.cancel(command.id);
      } catch (error) {
        fail((error as Error).message);
      }
      if (!options.json) process.stdout.write(`cancelled ${command.id}\n`);
      return EXIT_OK;
    case 'upload':
      return uploadCommand(command.path, command.location, options, services);
    case 'resume': {
      const [results, folderResults] = await Promise.all([
        runWithProgress(services, () => resumeWithChoice(engine, services.store, options.onChange), options),
        resumeFolders(services, options),
      ]);
      const folders = reportFolders(folderResults, services, { ...options, json: false }, !options.json);
      const code = reportResults(results, options, services, folderResults);
      if (code === EXIT_FAILED || !folders.ok) return folders.conflict && code !== EXIT_FAILED && folderResults.every((r) => r.outcome !== 'failed') ? EXIT_CONFLICT : EXIT_FAILED;
      return code;
    }
    case 'orphans':
      return orphansCommand(command, options, services).catch((error: unknown) => fail((error as Error).message));
    default:
      return EXIT_USAGE;
  }
}

async function uploadCommand(path: string, location: { bucket: string; key: string }, options: CliOptions, services: Services): Promise<number> {
  const { engine } = services;
  const target = cliTarget(options);
  let added;
  try {
    // A folder goes as one archive object made on the fly (`upload <dir> s3://b/k.tar`); a key
    // without .tar is more likely a slip (one object per file was meant) than a wish for a tar.
    const kind = (await isFolder(resolve(path))) ? 'archive' : 'file';
    if (kind === 'archive' && (location.key === '' || location.key.endsWith('/'))) return await folderUploadCommand(resolve(path), location, options, services);
    if (options.ifExists !== undefined) fail('--if-exists applies to a folder sent as one object per file (upload <dir> s3://bucket/prefix/)');
    if (location.key === '') fail(`${resolve(path)} is a file: give the key to store it at (s3://${location.bucket}/<key>)`);
    if (kind === 'archive' && !location.key.endsWith('.tar')) {
      fail(
        `${resolve(path)} is a directory: end the address with / to send one object per file (s3://${location.bucket}/${location.key}/), ` +
          `or with .tar to send it as one archive (s3://${location.bucket}/${location.key}.tar)`,
      );
    }
    added = await engine.addUpload({ path: resolve(path), location, target, kind, ...(options.partSize ? { partSize: options.partSize } : {}) });
  } catch (error) {
    if (error instanceof SourceError || error instanceof StateStoreFullError || (error as Error).name === 'PartPlanError') fail((error as Error).message);
    throw error;
  }
  if (added.adopted) {
    process.stderr.write(`hoist: adopted unfinished upload ${added.adopted.uploadId} from the server (${added.adopted.partsVerified} parts verified)\n`);
  } else if (added.continued) {
    process.stderr.write(`hoist: continuing unfinished upload ${added.record.id} of ${path}\n`);
  }
  const [result] = await runWithProgress(services, async () => [await runWithChoice(engine, added.record.id, options.onChange)], options);
  const code = reportResults(result ? [result] : [], options, services);
  const record = services.store.getUpload(added.record.id);
  // A new upload that failed before anything reached the server leaves nothing to resume: forget it.
  const stopped = result?.outcome === 'failed' || result?.outcome === 'conflict';
  if (stopped && !added.continued && record && !record.uploadId && record.state === 'failed') {
    engine.forget(added.record.id);
  }
  return code;
}

async function runWithProgress(services: Services, work: () => Promise<RunResult[]>, options: CliOptions): Promise<RunResult[]> {
  const line = new ProgressLine(process.stderr, !options.json && process.stderr.isTTY === true);
  const unsubscribe = services.engine.on((event) => {
    if (event.type === 'progress') line.update(event.uploads);
    else if (event.type === 'log') line.log(`${event.id}: ${event.message}`);
  });
  try {
    return await work();
  } finally {
    unsubscribe();
    line.finish();
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

async function folderUploadCommand(path: string, location: { bucket: string; key: string }, options: CliOptions, services: Services): Promise<number> {
  const result = await uploadFolder(path, location, options, services);
  const { ok, conflict } = reportFolders([result], services, options);
  return ok ? EXIT_OK : conflict && (result.outcome === 'conflict' || result.outcome === 'asking') ? EXIT_CONFLICT : EXIT_FAILED;
}

function reportResults(results: readonly RunResult[], options: CliOptions, services: Services, folders: readonly FolderResult[] = []): number {
  if (options.json) {
    process.stdout.write(`${JSON.stringify([...results, ...folders.map((folder) => ({ kind: 'folder', ...folder }))])}\n`);
  } else {
    for (const result of results) {
      const upload = services.store.getUpload(result.id);
      const where = upload ? formatS3Url(upload) : result.id;
      const detail = `${formatBytes(result.bytesSent)} sent${result.partsSkipped ? `, ${result.partsSkipped} parts already on the server` : ''}${result.restarted ? ', restarted because the server had discarded it' : ''}`;
      if (result.outcome === 'completed') process.stdout.write(`completed ${result.id} ${where} (${detail})\n`);
      else if (result.outcome === 'failed') process.stderr.write(`hoist: ${result.id} ${where} failed: ${result.error}\n`);
      else if (result.outcome === 'conflict') process.stderr.write(`hoist: ${result.id} ${where} stopped: ${result.error}${conflictAdvice(result.id, result.error, invokedAs())}\n`);
      else process.stdout.write(`${result.outcome} ${result.id} ${where} (${detail})\n`);
    }
    if (results.length === 0 && folders.length === 0) process.stdout.write('nothing to resume\n');
  }
  if (results.some((result) => result.outcome === 'failed')) return EXIT_FAILED;
  return results.some((result) => result.outcome === 'conflict') ? EXIT_CONFLICT : EXIT_OK;
}
