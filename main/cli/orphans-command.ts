import { resolve } from 'node:path';
import { formatBytes } from '../../shared/domain/units.ts';
import { abortUploads, findServerUpload, listServerUploads, listTrackedOrphans, olderThan } from '../engine/server/orphans.ts';
import type { TargetConfig } from '../engine/ports/records.ts';
import type { Services } from '../services.ts';
import type { CliOptions } from './cli-args.ts';
import type { OrphansCommand } from './orphans-args.ts';
import { invokedAs } from './invoked-as.ts';

/** The target given on the command line, as `upload` uses it. */
export function cliTarget(options: CliOptions): TargetConfig {
  return {
    endpoint: options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ?? undefined,
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    pathStyle: options.pathStyle,
  };
}

/**
 * `orphans`: unfinished multipart uploads on the server, which cost storage
 * until completed or aborted. Uploads this state database is continuing are
 * shown as such and never aborted in bulk: `cancel` is for those.
 * Returns the exit code; throws Error with a message for the user.
 */
export async function orphansCommand(command: OrphansCommand, options: CliOptions, services: Services): Promise<number> {
  const target = cliTarget(options);
  const objects = services.engine.objectStoreFor({ ...target, targetId: null });
  const { bucket, prefix, action } = command;
  const where = `s3://${bucket}/${prefix}`;
  const scope = { objects, store: services.store, bucket, prefix };
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  if (action.kind === 'list') {
    const orphans = (await listTrackedOrphans(scope)).map((orphan) => ({
      ...orphan,
      started: orphan.initiated === null ? null : new Date(orphan.initiated).toISOString(),
    }));
    if (options.json) out(JSON.stringify(orphans));
    else if (orphans.length === 0) out(`no unfinished uploads under ${where}`);
    for (const orphan of options.json ? [] : orphans) {
      const tracked = orphan.hoistId ? `  (Hoist upload ${orphan.hoistId})` : '';
      out(`${orphan.started ?? 'unknown'}  ${orphan.uploadId}  ${orphan.parts} parts  ${formatBytes(orphan.bytes)}  s3://${bucket}/${orphan.key}${tracked}`);
    }
    return 0;
  }

  if (action.kind === 'abort-all') {
    const old = olderThan(await listServerUploads(scope), action.olderThanMs, Date.now());
    const untracked = old.filter((upload) => upload.hoistId === null);
    const aborted = await abortUploads(objects, bucket, untracked);
    const kept = old.length - untracked.length;
    out(`aborted ${aborted} unfinished uploads under ${where}${kept ? `; kept ${kept} that Hoist is continuing (cancel them by id)` : ''}`);
    return 0;
  }

  const found = await findServerUpload(scope, action.uploadId);
  if (!found) throw new Error(`no unfinished upload ${action.uploadId} under ${where}`);
  if (action.kind === 'abort') {
    if (found.hoistId) throw new Error(`upload ${found.uploadId} is Hoist upload ${found.hoistId}; use \`${invokedAs()} cancel ${found.hoistId}\``);
    await abortUploads(objects, bucket, [found]);
    out(`aborted ${found.uploadId} s3://${bucket}/${found.key}`);
    return 0;
  }

  const path = resolve(action.path);
  const outcome = await services.engine.adoptFromServer({ path, location: { bucket, key: found.key }, target }, found.uploadId);
  if ('reason' in outcome) {
    // The engine names each upload it looked at; this one is already named once.
    const own = `${found.uploadId}: `;
    throw new Error(`cannot adopt ${found.uploadId}: ${outcome.reason.startsWith(own) ? outcome.reason.slice(own.length) : outcome.reason}`);
  }
  if (options.json) out(JSON.stringify({ id: outcome.record.id, uploadId: outcome.uploadId, partsVerified: outcome.partsVerified }));
  else out(`adopted ${outcome.uploadId} as ${outcome.record.id} (${outcome.partsVerified} parts verified); run \`${invokedAs()} resume\` to finish it`);
  return 0;
}
