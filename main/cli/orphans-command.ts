import { resolve } from 'node:path';
import { formatBytes } from '../../shared/domain/units.ts';
import { abortUploads, listOrphans, olderThan } from '../engine/orphans.ts';
import type { RemoteUpload, TargetConfig } from '../engine/ports.ts';
import type { Services } from '../services.ts';
import type { CliOptions } from './cli-args.ts';
import type { OrphansCommand } from './orphans-args.ts';

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
  const trackedBy = new Map(services.store.listUnfinished().filter((upload) => upload.uploadId && upload.bucket === bucket).map((upload) => [upload.uploadId, upload.id]));
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  if (action.kind === 'list') {
    const orphans = (await listOrphans(objects, bucket, prefix)).map((orphan) => ({
      ...orphan,
      started: orphan.initiated === null ? null : new Date(orphan.initiated).toISOString(),
      hoistId: trackedBy.get(orphan.uploadId) ?? null,
    }));
    if (options.json) out(JSON.stringify(orphans));
    else if (orphans.length === 0) out(`no unfinished uploads under ${where}`);
    for (const orphan of options.json ? [] : orphans) {
      const tracked = orphan.hoistId ? `  (Hoist upload ${orphan.hoistId})` : '';
      out(`${orphan.started ?? 'unknown'}  ${orphan.uploadId}  ${orphan.parts} parts  ${formatBytes(orphan.bytes)}  s3://${bucket}/${orphan.key}${tracked}`);
    }
    return 0;
  }

  const uploads = await objects.listMultipartUploads(bucket, prefix);
  if (action.kind === 'abort-all') {
    const old = olderThan(uploads, action.olderThanMs, Date.now());
    const untracked = old.filter((upload) => !trackedBy.has(upload.uploadId));
    const aborted = await abortUploads(objects, bucket, untracked);
    const kept = old.length - untracked.length;
    out(`aborted ${aborted} unfinished uploads under ${where}${kept ? `; kept ${kept} that Hoist is continuing (cancel them by id)` : ''}`);
    return 0;
  }

  const found = findUpload(uploads, action.uploadId, where);
  if (action.kind === 'abort') {
    const hoistId = trackedBy.get(found.uploadId);
    if (hoistId) throw new Error(`upload ${found.uploadId} is Hoist upload ${hoistId}; use \`hoist cancel ${hoistId}\``);
    await abortUploads(objects, bucket, [found]);
    out(`aborted ${found.uploadId} s3://${bucket}/${found.key}`);
    return 0;
  }

  const path = resolve(action.path);
  const outcome = await services.engine.adoptFromServer({ path, location: { bucket, key: found.key }, target }, found.uploadId);
  if ('reason' in outcome) throw new Error(`cannot adopt ${found.uploadId}: ${outcome.reason}`);
  if (options.json) out(JSON.stringify({ id: outcome.record.id, uploadId: outcome.uploadId, partsVerified: outcome.partsVerified }));
  else out(`adopted ${outcome.uploadId} as ${outcome.record.id} (${outcome.partsVerified} parts verified); run \`hoist resume\` to finish it`);
  return 0;
}

function findUpload(uploads: readonly RemoteUpload[], uploadId: string, where: string): RemoteUpload {
  const found = uploads.find((upload) => upload.uploadId === uploadId);
  if (!found) throw new Error(`no unfinished upload ${uploadId} under ${where}`);
  return found;
}
