import { dialog } from 'electron';
import type { BrowserWindow, MessageBoxOptions } from 'electron';

/** How many paths the question lists before "and N more". */
const LISTED = 10;

/**
 * Asks before uploading what a second launch handed over. Any program can
 * start `hoist <path>` while Hoist runs, so a second launch's paths are shown
 * with the target they would go to, and sent only when the user says so.
 * (The first launch's paths were given by whoever started Hoist.)
 */
export async function confirmHandOver(paths: readonly string[], targetName: string, window: BrowserWindow | undefined): Promise<boolean> {
  const listed = paths.slice(0, LISTED).join('\n');
  const more = paths.length > LISTED ? `\n… and ${paths.length - LISTED} more` : '';
  const options: MessageBoxOptions = {
    type: 'question',
    title: 'Upload handed-over files?',
    message: `Upload ${paths.length === 1 ? 'this file' : `these ${paths.length} files and folders`} to ${targetName}?`,
    detail: `Another launch of Hoist asked to upload:\n${listed}${more}`,
    buttons: ['Upload', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
  const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return response === 0;
}
