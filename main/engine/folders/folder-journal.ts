import { crashPoint } from '../test-hooks/test-hooks.ts';
import type { FolderFileUpdate, FolderStore } from '../ports/folder-store.ts';

/**
 * Writes a folder's file states in batches: many rows in one transaction,
 * as SQLite advises, instead of one synced commit per file. The order that
 * keeps the promise is kept: a batch of files is recorded as sending (begin)
 * before any of them goes out, and a file counts as done only once the
 * commit holding its acknowledgement is on disk (the promise `record` returns
 * resolves then). Acknowledgements wait at most `delayMs`, or until `maxBatch`
 * of them are waiting, whichever comes first.
 */
export class FolderJournal {
  private waiting: Array<{ update: FolderFileUpdate; resolve: () => void; reject: (error: unknown) => void }> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Synced commits made (tests, benchmarks). */
  commits = 0;

  constructor(
    private readonly store: FolderStore,
    private readonly folderId: string,
    private readonly options: { maxBatch: number; delayMs: number } = { maxBatch: 512, delayMs: 100 },
  ) {}

  /** At once, in one transaction: these files are about to be sent. */
  begin(updates: readonly FolderFileUpdate[]): void {
    if (updates.length === 0) return;
    this.store.updateFolderFiles(this.folderId, updates);
    this.commits += 1;
  }

  /** Soon, batched with others: resolves when the update is on disk. */
  record(update: FolderFileUpdate): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ update, resolve, reject });
      if (this.waiting.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
    });
  }

  /** Writes what waits now. A failed write (a full disk) fails every update in it: none of them counts. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    try {
      this.store.updateFolderFiles(
        this.folderId,
        batch.map((entry) => entry.update),
      );
      this.commits += 1;
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    crashPoint('folder-files-done');
    for (const entry of batch) entry.resolve();
  }
}
