// Pieces of the upload row's schema that have a life of their own (part of the contract in ipc-contract.ts).
import { z } from 'zod';

/** An upload waiting to try a failed request again. */
export const RetryingSchema = z.object({
  /** When the next attempt goes out (ISO-8601). */
  at: z.string(),
  /** What failed, e.g. "connection refused by 127.0.0.1:7482 (CreateMultipartUpload: ECONNREFUSED)". */
  cause: z.string(),
  attempt: z.number().int().positive(),
  of: z.number().int().positive(),
});
export type RetryingView = z.infer<typeof RetryingSchema>;
