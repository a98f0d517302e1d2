import { describeRebuild, rebuildFromSalvage } from '../app/rebuild-from-salvage.ts';
import { describeFolderRebuild, rebuildFolders, rebuiltFolderIds } from '../app/rebuild-folders.ts';
import { describeRecovery } from '../store/recover-state.ts';
import type { Services } from '../services.ts';
import type { Command } from './cli-args.ts';

/**
 * What the command does to the state directory, when it writes: it must then
 * be its one writer (see acquireStateLock). `status` and listing orphans only
 * read, so they work while an upload runs.
 */
export function writerOf(command: Command): string | undefined {
  if (command.name === 'status' || command.name === 'help') return undefined;
  if (command.name === 'orphans' && command.action.kind === 'list') return undefined;
  return `hoist ${command.name}`;
}

/**
 * The state database was damaged and replaced at this start: says so in one
 * line, then records the unfinished folders read from it again and adopts
 * the unfinished uploads again from the server (those of a rebuilt folder's
 * big files are left to the folder), and says what was rebuilt and what was
 * not. The command that follows (resume) runs them.
 */
export async function rebuildAfterRecovery(services: Services, write: (line: string) => void): Promise<void> {
  const { recovery } = services;
  if (!recovery) return;
  write(describeRecovery(recovery));
  const folders = await rebuildFolders(services.folders, recovery.salvage.folders);
  const report = await rebuildFromSalvage(services.engine, recovery.salvage.uploads, rebuiltFolderIds(folders));
  for (const line of [...describeFolderRebuild(folders), ...describeRebuild(report)]) write(line.text);
}
