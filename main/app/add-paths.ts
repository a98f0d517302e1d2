import { lstat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { AddResult, FolderMode, Target } from '../../shared/ipc-contract.ts';
import { SourceError } from '../engine/errors.ts';
import { addablePathProblem } from './addable-path.ts';
import { holdIfKeyTaken } from './existing-object-check.ts';
import type { HandlerContext } from './handler-context.ts';

/**
 * `uploads.add`: each path to the target. A file is one upload; a folder is
 * one folder upload (an object per file, walked and sent in the background:
 * the answer does not wait for the walk, however many files it holds) or,
 * when asked, one upload of a .tar made on the fly. Keys are the target's
 * prefix, then the name: a folder's files go under its name.
 */
export async function addPaths(app: HandlerContext, target: Target, paths: readonly string[], folderMode: FolderMode): Promise<AddResult> {
  const { engine } = app.deps;
  const result: AddResult = { added: [], rejected: [] };
  const rejectable = (error: unknown) => error instanceof SourceError || (error as Error).name === 'PartPlanError';
  for (const path of paths) {
    const problem = await addablePathProblem(path, app.deps.stateDir);
    if (problem) {
      result.rejected.push({ path, reason: problem });
      continue;
    }
    const directory = await isDirectory(path);
    if (directory && folderMode === 'files') {
      const prefix = app.keyFor(target, `${app.defaultKeySuffix(path)}/`);
      try {
        const { folder, continued } = await app.folders.add({
          path: resolve(path),
          bucket: target.bucket,
          prefix,
          target: app.targetConfig(target),
          targetId: target.id,
          partSize: app.partSize(),
          // A file whose key holds different bytes waits for the user's choice instead of being overwritten unseen.
          ifExists: 'ask',
        });
        result.added.push({ id: folder.id, path, key: prefix, continued, kind: 'folder' });
        app.folders.start(folder.id);
      } catch (error) {
        if (!rejectable(error)) throw error;
        result.rejected.push({ path, reason: (error as Error).message });
      }
      continue;
    }
    const key = app.keyFor(target, directory ? `${app.defaultKeySuffix(path)}.tar` : app.defaultKeySuffix(path));
    try {
      const { record, continued } = await engine.addUpload({
        path,
        location: { bucket: target.bucket, key },
        target: app.targetConfig(target),
        targetId: target.id,
        partSize: app.partSize(),
        ...(directory ? { kind: 'archive' as const } : {}),
      });
      result.added.push({ id: record.id, path, key, continued, kind: 'upload' });
      // A new upload to a key that already holds an object waits for the user's choice (existing-object-check.ts).
      const objects = engine.objectStoreFor({ ...app.targetConfig(target), targetId: target.id });
      const held = !continued && (await holdIfKeyTaken(app.deps.store, objects, record.id, { bucket: target.bucket, key }));
      if (held) app.emit('notice', { level: 'warning', uploadId: record.id, about: 'exists', message: `${basename(path)}: s3://${target.bucket}/${key} already holds an object: overwrite it or skip this file` });
      else app.start(record.id);
    } catch (error) {
      if (!rejectable(error)) throw error;
      result.rejected.push({ path, reason: (error as Error).message });
    }
  }
  const uploads = result.added.filter((added) => added.kind === 'upload').map((added) => added.id);
  if (uploads.length > 0) app.emit('uploads.changed', { uploads: engine.snapshot(uploads) });
  return result;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
