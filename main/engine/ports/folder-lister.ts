import type { SourceStat } from './byte-source.ts';

/**
 * How a folder sent as one object per file is read: walked once, in batches,
 * so that uploading starts while a big folder is still being walked and
 * memory does not grow with the number of files (main/source/folder-files.ts).
 */
export interface FolderEntry extends Pick<SourceStat, 'size' | 'mtimeNs' | 'fileId'> {
  /** '/'-separated, relative to the folder: the part of the key after the prefix. */
  relPath: string;
  /** Absolute path to read the content from. */
  path: string;
}

/** An entry that is not uploaded, and why, in words for the user. */
export interface FolderProblem {
  relPath: string;
  kind: string;
  message: string;
}

export interface FolderBatch {
  files: FolderEntry[];
  problems: FolderProblem[];
}

export interface FolderLister {
  /** Throws a SourceError saying why when the path is not a folder that can be read. */
  check(root: string): Promise<void>;
  /** Throws only when the folder itself cannot be read; every other problem is reported in a batch. */
  walk(root: string, options: { prefix: string; signal?: AbortSignal }): AsyncIterable<FolderBatch>;
}
