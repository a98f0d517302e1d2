import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { unquoteEtag } from '../../shared/domain/etag.ts';
import type { BodyDigests, CompletedPart, ObjectHead, ObjectStore, RemoteObject, RemoteParts, RemoteUpload, SendOptions } from '../engine/ports/object-store.ts';
import type { ChecksumAlgorithm, ObjectLocation, TargetConfig } from '../engine/ports/records.ts';
import { S3Failure } from '../engine/errors.ts';
import { DirectPut } from './direct-put.ts';
import { listAllMultipartUploads, listObjectsPage } from './paged-listings.ts';
import { classifyS3Error } from './classify-s3-error.ts';
import { countingBody } from './counting-body.ts';
import { createS3Client, DEFAULT_S3_OPTIONS } from './s3-client.ts';
import type { S3Credentials, S3ObjectStoreOptions } from './s3-client.ts';

/*
 * The engine's ObjectStore port over the AWS SDK: one method per S3 call the
 * engine makes, every failure turned into an S3Failure the engine can act on
 * (classify-s3-error.ts). How the SDK client is set up is in s3-client.ts.
 */

/** Content-MD5 and x-amz-checksum-sha256, each only when given. */
function digestHeaders(digests: BodyDigests): { ContentMD5?: string; ChecksumSHA256?: string } {
  return {
    ...(digests.md5Base64 ? { ContentMD5: digests.md5Base64 } : {}),
    ...(digests.sha256Base64 ? { ChecksumSHA256: digests.sha256Base64 } : {}),
  };
}

export class S3ObjectStore implements ObjectStore {
  private readonly direct: DirectPut;

  constructor(
    private readonly client: S3Client,
    private readonly target: TargetConfig,
    private readonly listPartsPageSize?: number,
    options: S3ObjectStoreOptions = DEFAULT_S3_OPTIONS,
  ) {
    this.direct = new DirectPut(client, target, options);
  }

  static forTarget(target: TargetConfig, options: S3ObjectStoreOptions = DEFAULT_S3_OPTIONS, credentials?: S3Credentials): S3ObjectStore {
    return new S3ObjectStore(createS3Client(target, options, credentials), target, options.listPartsPageSize, options);
  }

  async createMultipartUpload(location: ObjectLocation, options: { checksumAlgorithm?: ChecksumAlgorithm } = {}): Promise<{ uploadId: string; abortDate?: number }> {
    const output = await this.call('CreateMultipartUpload', location, () =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: location.bucket,
          Key: location.key,
          ...(options.checksumAlgorithm === 'sha256' ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
        }),
      ),
    );
    if (!output.UploadId) throw this.notS3('CreateMultipartUpload', 'an upload id');
    return { uploadId: output.UploadId, ...(output.AbortDate ? { abortDate: output.AbortDate.getTime() } : {}) };
  }

  async uploadPart(
    location: ObjectLocation,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    digests: BodyDigests,
    options: SendOptions = {},
  ): Promise<{ etag: string }> {
    const output = await this.call(`UploadPart ${partNumber}`, location, () =>
      this.client.send(
        new UploadPartCommand({
          Bucket: location.bucket,
          Key: location.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: countingBody(body, options),
          ContentLength: body.length,
          ...digestHeaders(digests),
        }),
        { abortSignal: options.signal },
      ),
    );
    if (!output.ETag) throw this.notS3(`UploadPart ${partNumber}`, 'an ETag');
    return { etag: output.ETag };
  }

  async uploadPartCopy(
    location: ObjectLocation,
    uploadId: string,
    partNumber: number,
    source: ObjectLocation,
    range: { first: number; last: number },
    signal?: AbortSignal,
  ): Promise<{ etag: string }> {
    const output = await this.call(`UploadPartCopy ${partNumber}`, location, () =>
      this.client.send(
        new UploadPartCopyCommand({
          Bucket: location.bucket,
          Key: location.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          // The key is URL-encoded in x-amz-copy-source; its slashes stay.
          CopySource: `${source.bucket}/${encodeURIComponent(source.key).replace(/%2F/g, '/')}`,
          CopySourceRange: `bytes=${range.first}-${range.last}`,
        }),
        { abortSignal: signal },
      ),
    );
    // RGW returns this ETag without quotes; keep the quoted form parts have elsewhere.
    const etag = unquoteEtag(output.CopyPartResult?.ETag);
    if (!etag) throw new Error('the server returned no ETag for the copied part');
    return { etag: `"${etag}"` };
  }

  async listParts(location: ObjectLocation, uploadId: string, signal?: AbortSignal): Promise<RemoteParts> {
    const parts: RemoteParts = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.call('ListParts', location, () =>
        this.client.send(
          new ListPartsCommand({
            Bucket: location.bucket,
            Key: location.key,
            UploadId: uploadId,
            PartNumberMarker: marker,
            MaxParts: this.listPartsPageSize,
          }),
          { abortSignal: signal },
        ),
      ).catch((error: unknown) => {
        // RGW answers NoSuchKey (AWS: NoSuchUpload) for an upload it no longer has.
        if ((error as { code?: string }).code === 'NoSuchKey') {
          throw classifyS3Error({ name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } }, this.context('ListParts', location));
        }
        throw error;
      });
      for (const part of page.Parts ?? []) {
        if (part.PartNumber === undefined) continue;
        parts.push({
          partNumber: part.PartNumber,
          etag: part.ETag ?? '',
          size: part.Size ?? -1,
          ...(part.ChecksumSHA256 ? { checksumSha256: part.ChecksumSHA256 } : {}),
        });
      }
      if (page.AbortDate) parts.abortDate = page.AbortDate.getTime();
      if (!page.IsTruncated || !page.NextPartNumberMarker) break;
      marker = page.NextPartNumberMarker;
    }
    return parts;
  }

  async completeMultipartUpload(
    location: ObjectLocation,
    uploadId: string,
    parts: ReadonlyArray<CompletedPart>,
    signal?: AbortSignal,
  ): Promise<{ etag: string | null }> {
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    const output = await this.call('CompleteMultipartUpload', location, () =>
      this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: location.bucket,
          Key: location.key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: sorted.map((part) => ({
              PartNumber: part.partNumber,
              ETag: part.etag,
              ...(part.checksumSha256 ? { ChecksumSHA256: part.checksumSha256 } : {}),
            })),
          },
        }),
        { abortSignal: signal },
      ),
    );
    // RGW returns an empty <ETag> here; HeadObject has the real one.
    return { etag: output.ETag ? output.ETag : null };
  }

  async abortMultipartUpload(location: ObjectLocation, uploadId: string): Promise<void> {
    try {
      await this.call('AbortMultipartUpload', location, () =>
        this.client.send(new AbortMultipartUploadCommand({ Bucket: location.bucket, Key: location.key, UploadId: uploadId })),
      );
    } catch (error) {
      // Already gone is what abort wants.
      if ((error as { kind?: string }).kind === 'upload-gone') return;
      throw error;
    }
  }

  listMultipartUploads(bucket: string, prefix?: string, signal?: AbortSignal): Promise<RemoteUpload[]> {
    return listAllMultipartUploads(this.client, (operation, send) => this.call(operation, { bucket, key: prefix ?? '' }, send), bucket, prefix, signal);
  }

  listObjectsPage(bucket: string, prefix: string, token: string | undefined, signal?: AbortSignal, startAfter?: string): Promise<{ objects: RemoteObject[]; nextToken?: string }> {
    return listObjectsPage(this.client, (operation, send) => this.call(operation, { bucket, key: prefix }, send), bucket, prefix, token, signal, startAfter);
  }

  async headObject(location: ObjectLocation, signal?: AbortSignal): Promise<ObjectHead | undefined> {
    try {
      const output = await this.call('HeadObject', location, () =>
        this.client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }), { abortSignal: signal }),
      );
      return { size: output.ContentLength ?? 0, etag: output.ETag ?? null, ...(output.LastModified ? { lastModified: output.LastModified.getTime() } : {}) };
    } catch (error) {
      const failure = error as { status?: number; code?: string };
      if (failure.status === 404 && failure.code !== 'NoSuchBucket') return undefined;
      throw error;
    }
  }

  /** Without the SDK's pipeline (see direct-put.ts): a folder of small files is one of these per file. */
  async putObject(location: ObjectLocation, body: Uint8Array, digests: BodyDigests, options: SendOptions = {}): Promise<{ etag: string }> {
    const { etag } = await this.call('PutObject', location, () => this.direct.put(location, body, digests, options));
    if (!etag) throw this.notS3('PutObject', 'an ETag');
    return { etag };
  }

  async checkAccess(location: ObjectLocation, signal?: AbortSignal): Promise<void> {
    await this.call('ListObjectsV2', location, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, MaxKeys: 1 }), { abortSignal: signal }),
    );
  }

  /** A 2xx answer without what every S3 server sends: some other web server is at the endpoint. */
  private notS3(operation: string, missing: string): S3Failure {
    const where = this.target.endpoint ?? 'the AWS endpoint';
    return new S3Failure('fatal', `${where} answered ${operation} without ${missing}: it does not look like an S3 server (check the endpoint)`, 'NotS3', undefined);
  }

  private context(operation: string, location: ObjectLocation) {
    return { operation, bucket: location.bucket, endpoint: this.target.endpoint };
  }

  private async call<T>(operation: string, location: ObjectLocation, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw classifyS3Error(error, this.context(operation, location));
    }
  }
}
