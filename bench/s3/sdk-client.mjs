// The two in-process SDK clients, each run as its own Node process so that its
// CPU and memory are measured like any other client's:
//   lib-storage  @aws-sdk/lib-storage's Upload with the SDK's defaults, as a
//                typical Node program would write it;
//   bare-loop    CreateMultipartUpload, UploadPart with file-range stream bodies
//                (unsigned payload, no checksums, no state), Complete: what the
//                SDK can do at best here, the practical ceiling for Hoist.
//   bare-loop-md5  the same, but each part is read into memory and sent with
//                its Content-MD5 (the integrity work Hoist does for every part),
//                still with no state: the ceiling for that work.
//
//   node bench/s3/sdk-client.mjs <lib-storage|bare-loop|bare-loop-md5> <file> <bucket> <key> <partSize> <concurrency>
// Endpoint, region and keys come from AWS_ENDPOINT_URL, AWS_REGION and the AWS_* key variables.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const [mode, file, bucket, key, partSizeArg, concurrencyArg] = process.argv.slice(2);
const partSize = Number(partSizeArg);
const concurrency = Number(concurrencyArg);
const common = { region: process.env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true };

async function libStorage() {
  const upload = new Upload({
    client: new S3Client(common),
    params: { Bucket: bucket, Key: key, Body: createReadStream(file) },
    partSize,
    queueSize: concurrency,
  });
  await upload.done();
}

/** A part's body and its headers: a file-range stream, or the bytes read into memory with their MD5. */
async function partBody(handle, start, length, withMd5) {
  if (!withMd5) return { Body: createReadStream(file, { start, end: start + length - 1 }) };
  const bytes = Buffer.allocUnsafe(length);
  for (let filled = 0; filled < length; ) filled += (await handle.read(bytes, filled, length - filled, start + filled)).bytesRead;
  // A stream over the bytes, so the payload stays unsigned as in the plain loop (a Buffer body would be hashed for signing).
  return { Body: Readable.from([bytes]), ContentMD5: createHash('md5').update(bytes).digest('base64') };
}

async function bareLoop(withMd5) {
  const handle = withMd5 ? await open(file, 'r') : undefined;
  // Without these the SDK's default CRC32 turns a stream body into aws-chunked
  // with a trailer, which RGW refuses (411); with them a stream goes unsigned.
  const client = new S3Client({ ...common, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const size = statSync(file).size;
  const count = Math.max(1, Math.ceil(size / partSize));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next++;
      const start = index * partSize;
      const length = Math.min(partSize, size - start);
      const output = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: index + 1,
          ...(await partBody(handle, start, length, withMd5)),
          ContentLength: length,
        }),
      );
      parts[index] = { PartNumber: index + 1, ETag: output.ETag };
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  await handle?.close();
}

if (mode === 'lib-storage') await libStorage();
else if (mode === 'bare-loop') await bareLoop(false);
else if (mode === 'bare-loop-md5') await bareLoop(true);
else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
