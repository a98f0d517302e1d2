import { describeRebuild, rebuildFromSalvage } from '../app/rebuild-from-salvage.ts';
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
 * line, then adopts the unfinished uploads read from it again from the server
 * and says what was rebuilt and what was not.
 */
export async function rebuildAfterRecovery(services: Services, write: (line: string) => void): Promise<void> {
  const { recovery } = services;
  if (!recovery) return;
  write(describeRecovery(recovery));
  const report = await rebuildFromSalvage(services.engine, recovery.salvage.uploads);
  for (const line of describeRebuild(report)) write(line.text);
}
