// What saving a target found when it tried it (part of the contract in ipc-contract.ts).
import { z } from 'zod';

/** The form field a failed check points at; null when it is none of them (a server error). */
export const TargetCheckFieldSchema = z.enum(['endpoint', 'region', 'bucket', 'credentials']);
export type TargetCheckField = z.infer<typeof TargetCheckFieldSchema>;

/**
 * One request to the target (list one key of the bucket) right after it was
 * saved: ok, or what is wrong and which field to fix. The target is saved
 * either way (a user offline must still be able to save); a failed check is a
 * warning shown beside the field.
 */
export const TargetCheckSchema = z.object({
  ok: z.boolean(),
  field: TargetCheckFieldSchema.nullable(),
  message: z.string(),
});
export type TargetCheck = z.infer<typeof TargetCheckSchema>;
