import { join } from 'node:path';
import { LogFile, teeLog } from '../platform/log-file.ts';
import { logLine } from '../platform/redact-secrets.ts';

/** The desktop app's log file, in Electron's logs directory (~/.config/Hoist/logs on Linux); the README names it for bug reports. */
export const SHELL_LOG_FILE = 'hoist.log';

/** The Electron host's console: one line per message, secrets masked. */
export function consoleLog(message: string): void {
  console.log(`[hoist] ${logLine(message)}`);
}

/** The Electron host's log: the console and the rotating log file in `logsDir` (app.getPath('logs')). */
export function shellLog(logsDir: string): (message: string) => void {
  return teeLog(new LogFile({ path: join(logsDir, SHELL_LOG_FILE), onError: consoleLog }), consoleLog);
}
