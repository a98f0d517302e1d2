/**
 * How a window names what to upload (issue 15, "any file to any server").
 * Headless, the user types a path and the token guards the channel, so a raw
 * absolute path is accepted. In Electron a window may name only what the user
 * chose by a gesture main saw (the native dialog, a drop, the command line):
 * main issues an opaque grant for each such path, and requests carry grants,
 * never raw paths. Which rule applies is the host's (HostCapabilities.pathGrants).
 */
import { z } from 'zod';

/** A path as a request may carry it (headless only). */
export const RequestPathSchema = z.string().min(1).max(4096);

/** An opaque handle main issued for a path the user chose; it means nothing to anyone else. */
export const GrantSchema = z.string().regex(/^g_[A-Za-z0-9_-]{22,64}$/, 'not a grant Hoist issued');

/** A path the user chose and the grant that names it in requests; the path is only shown. */
export const GrantedPathSchema = z.object({ grant: GrantSchema, path: z.string() });
export type GrantedPath = z.infer<typeof GrantedPathSchema>;

/** What `uploads.add` answers. */
export const AddResultSchema = z.object({
  /** A folder sent as one object per file is one entry: kind 'folder', its folder id, and the prefix of its keys as key. */
  added: z.array(z.object({ id: z.string(), path: z.string(), key: z.string(), continued: z.boolean(), kind: z.enum(['upload', 'folder']).optional() })),
  /** Paths that could not be added, each with a reason a person can act on. */
  rejected: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type AddResult = z.infer<typeof AddResultSchema>;

/** At most this many paths or grants per `uploads.add`. */
export const MAX_ADD_ITEMS = 10_000;

/**
 * What the preload hands main for a drop: the paths webUtils.getPathForFile
 * gave it for the dropped File objects. Not a contract request: the page
 * cannot send it (its bridge invokes contract requests only), only the preload.
 */
export const dropRequest = {
  input: z.object({ paths: z.array(RequestPathSchema).min(1).max(MAX_ADD_ITEMS) }).strict(),
  output: z.array(GrantedPathSchema),
};
