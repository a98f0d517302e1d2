import { S3Failure } from '../errors.ts';
import type { JobContext } from './job-context.ts';
import { startAgain } from './start-again.ts';

/**
 * A Complete refused because the server holds parts outside the upload's
 * plan: another tool uploaded a part into this upload id, an adopted upload
 * had been another tool's upload of a longer file, or the file shrank and its
 * matching parts were kept while the server still holds the old later ones.
 * AWS leaves unlisted parts out of the object; Ceph RGW refuses the Complete
 * (InvalidPart, "total parts mismatch") every time, so the upload could never
 * finish. There is no call that removes one part, so the old upload is
 * aborted and the file goes again into a new one, and the record says which
 * parts were found and why everything is sent again.
 *
 * Aborted before the new one is made: a run killed in between finds its
 * recorded upload gone and starts again the same way, and nothing is left on
 * the server. A refusal with no stray part is not this case and is thrown as it came.
 */
export async function restartForStrayParts(job: JobContext, uploadId: string, refusal: S3Failure, signal: AbortSignal): Promise<string> {
  const { objects, store } = job.deps;
  const remote = await job.retry(() => objects.listParts(job.location, uploadId, signal), signal, 'ListParts');
  const planned = store.listParts(job.id);
  const inPlan = new Set(planned.map((part) => part.partNumber));
  const strays = remote.map((part) => part.partNumber).filter((partNumber) => !inPlan.has(partNumber));
  if (strays.length === 0) throw refusal;
  await job.retry(() => objects.abortMultipartUpload(job.location, uploadId), signal, 'AbortMultipartUpload');
  const found = `the server's multipart upload ${uploadId} holds ${describeParts(strays)} outside this upload's plan of ${planned.length} part${planned.length === 1 ? '' : 's'}`;
  return startAgain(
    job,
    {
      event:
        `${found} (uploaded by another tool, or left by a longer version of the file), and the server refused to complete it without them ` +
        `(${refusal.code}); that upload was aborted and this one started again from the first part`,
      log: `${found}; the server will not complete it without them: starting again in a new multipart upload`,
    },
    signal,
  );
}

/** Did the server refuse a Complete over the parts it was given (one listed wrongly, or one left out)? */
export function isPartsRefusal(error: unknown): error is S3Failure {
  return error instanceof S3Failure && error.kind === 'fatal' && error.code === 'InvalidPart';
}

/** "part 26", "parts 6-10", "parts 3, 7 and 12-14". */
export function describeParts(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j += 1;
    runs.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  const list = runs.length === 1 ? runs[0] : `${runs.slice(0, -1).join(', ')} and ${runs[runs.length - 1]}`;
  return `${sorted.length === 1 ? 'part' : 'parts'} ${list}`;
}
