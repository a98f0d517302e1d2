import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultStateDir } from '../app-paths.ts';
import { openHoistApp } from '../app/open-app.ts';
import type { OpenedApp } from '../app/open-app.ts';
import { browserCommand, hasDesktop, writeLauncher } from './browser-launcher.ts';
import { HEADLESS_USAGE, HeadlessUsageError, parseHeadlessArgs } from './headless-args.ts';
import type { HeadlessOptions } from './headless-args.ts';
import { headlessHost } from './headless-host.ts';
import { loadOrCreateToken, tokenNote } from './headless-token.ts';
import { defaultPort, listenOnPort } from './listen-port.ts';
import { startHeadlessServer } from './server.ts';
import type { HeadlessServer } from './server.ts';
import { LogFile } from '../platform/log-file.ts';
import { logLine } from '../platform/redact-secrets.ts';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** A stop that takes longer than this (a hung socket) ends the process anyway. */
const STOP_DEADLINE_MS = 10_000;

/** The log file a bug report asks for, in the state directory (rotating, secrets masked, 0600); set once that is known. */
export const HEADLESS_LOG_FILE = join('logs', 'hoist-headless.log');
let logFile: LogFile | undefined;

/** One line per message on stderr, secrets masked, and the same in the log file. */
function log(message: string): void {
  process.stderr.write(`hoist-headless: ${new Date().toISOString()} ${logLine(message)}\n`);
  logFile?.write(message);
}

/** The project root (where package.json is), found from this file both as source (main/headless/) and as the bundle (dist/headless/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function packageVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Opens the page in the desktop's browser, through a launcher file so the token is on no command line (browser-launcher.ts). */
function openInBrowser(stateDir: string, url: string): void {
  if (!hasDesktop(process.platform, process.env)) return;
  try {
    const command = browserCommand(process.platform, writeLauncher(stateDir, url));
    const child = spawn(command[0] as string, command.slice(1), { detached: true, stdio: 'ignore' });
    child.on('error', () => log('could not open a browser; open the URL above yourself'));
    child.unref();
  } catch {
    log('could not open a browser; open the URL above yourself');
  }
}

/**
 * Runs the headless app. Resolves with an exit code when it should exit at
 * once (usage, failure to start), or undefined while it serves; a signal
 * stops it.
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  let options: HeadlessOptions;
  try {
    options = parseHeadlessArgs(argv);
  } catch (error) {
    if (!(error instanceof HeadlessUsageError)) throw error;
    process.stderr.write(`hoist-headless: ${error.message}\n\n${HEADLESS_USAGE}\n`);
    return EXIT_USAGE;
  }
  if (options.help) {
    process.stdout.write(`${HEADLESS_USAGE}\n`);
    return EXIT_OK;
  }

  const stateDir = resolve(options.stateDir ?? process.env.HOIST_STATE_DIR ?? defaultStateDir());
  logFile = new LogFile({ path: join(stateDir, HEADLESS_LOG_FILE), onError: (message) => process.stderr.write(`hoist-headless: ${message}\n`) });
  const root = projectRoot();
  const staticDir = process.env.HOIST_RENDERER_DIR ?? join(root, 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) log(`the UI is not built (${staticDir} has no index.html): run \`npm start\`, which builds it`);

  let opened: OpenedApp;
  try {
    opened = openHoistApp({
      stateDir,
      host: headlessHost({ version: packageVersion(root), log }),
    });
  } catch (error) {
    process.stderr.write(`hoist-headless: cannot open the state database: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }

  let token: string;
  try {
    const saved = loadOrCreateToken(opened.stateDir, { rotate: options.newToken });
    token = saved.token;
    const note = tokenNote(saved.origin);
    if (note) log(note);
  } catch (error) {
    await opened.close();
    process.stderr.write(`hoist-headless: cannot keep the access token in ${opened.stateDir}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }

  let server: HeadlessServer;
  const usualPort = defaultPort();
  try {
    const listening = await listenOnPort(options.port, usualPort, (port) => startHeadlessServer({ app: opened.app, port, staticDir, token, log }));
    server = listening.server;
    if (listening.usualPortTaken !== undefined) {
      process.stderr.write(
        `hoist-headless: port ${listening.usualPortTaken} (this user's usual one) is in use, by another program or another Hoist: listening on ${server.port} instead, so the URL differs from the usual one; pages opened with the usual one will not reconnect\n`,
      );
    }
  } catch (error) {
    await opened.close();
    const code = (error as NodeJS.ErrnoException).code;
    const port = options.port ?? usualPort;
    process.stderr.write(`hoist-headless: cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (error as Error).message}\n`);
    return EXIT_FAILED;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping (state is recorded; unfinished uploads resume at the next start)`);
    setTimeout(() => {
      log('stopping took too long: exiting');
      process.exit(EXIT_FAILED);
    }, STOP_DEADLINE_MS).unref();
    void (async () => {
      try {
        await server.close();
        await opened.close();
        process.exit(EXIT_OK);
      } catch (error) {
        log(`error while stopping: ${(error as Error).message}`);
        process.exit(EXIT_FAILED);
      }
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // The one line on stdout: people copy it, tests parse it.
  process.stdout.write(`Hoist is running at ${server.url}\n`);
  log(`state directory ${opened.stateDir}; serving ${staticDir}`);
  if (options.open) openInBrowser(opened.stateDir, server.url);

  // Every unfinished upload (not paused, not waiting for a conflict choice) continues without anyone asking.
  opened.app.resumeUnfinished();
  return undefined;
}
