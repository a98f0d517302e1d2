// The headless mode's file and folder picker (part of the contract in ipc-contract.ts).
import { z } from 'zod';

export const BrowseEntrySchema = z.object({
  name: z.string(),
  /** What it is once links are followed: a folder to open, a file to add, or something Hoist does not upload. */
  kind: z.enum(['folder', 'file', 'other']),
  /** Bytes, for files; null otherwise. */
  size: z.number().nonnegative().nullable(),
});
export type BrowseEntry = z.infer<typeof BrowseEntrySchema>;

export const BrowseInputSchema = z.object({
  /** An absolute path on the machine Hoist runs on; null: the user's home folder. */
  path: z.string().min(1).max(4096).nullable().default(null),
  /** Entries to skip (folders first, then files, each by name), for the next page. */
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(500),
});

export const BrowseResultSchema = z.object({
  /** The folder listed, links resolved. */
  path: z.string(),
  /** Its parent, or null at the top (or when the parent may not be browsed). */
  parent: z.string().nullable(),
  entries: z.array(BrowseEntrySchema),
  /** Entries in the folder in all (the pages together), up to the cap. */
  total: z.number().int().nonnegative(),
  /** The folder holds more entries than Hoist lists (the cap): type a path for the rest. */
  capped: z.boolean(),
});
export type BrowseResult = z.infer<typeof BrowseResultSchema>;
