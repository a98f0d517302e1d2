export const HEADLESS_USAGE = `Usage: hoist-headless [--port N] [--state-dir DIR] [--new-token] [--no-open]

Runs Hoist without Electron: the same app and UI, served to your browser on
http://127.0.0.1 only. Open the URL it prints (it carries the access token).
The URL stays the same from one start to the next (same port, same token), so
an open page reconnects by itself and a bookmark keeps working.

  --port N          port to listen on (default: a fixed port for your user,
                    20000 + uid % 10000, or any free one when that is taken,
                    said so; 0: any free port)
  --new-token       replace the saved access token: pages opened with the old
                    link stop working
  --state-dir DIR   where the state database lives (env HOIST_STATE_DIR;
                    default: the per-user app data directory, shared with the
                    desktop app and the CLI)
  --no-open         do not open the URL in a browser
  --help            this text`;

export interface HeadlessOptions {
  /** Undefined: the user's default port (see defaultPort in listen-port.ts). */
  port: number | undefined;
  newToken: boolean;
  stateDir: string | undefined;
  open: boolean;
  help: boolean;
}

export class HeadlessUsageError extends Error {
  override name = 'HeadlessUsageError';
}

export function parseHeadlessArgs(argv: readonly string[]): HeadlessOptions {
  const options: HeadlessOptions = { port: undefined, stateDir: undefined, open: true, help: false, newToken: false };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new HeadlessUsageError(`${flag} needs a value`);
      index += 1;
      return next;
    };
    switch (flag) {
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65535) throw new HeadlessUsageError(`--port must be a number from 0 to 65535, got "${text}"`);
        options.port = port;
        break;
      }
      case '--state-dir': {
        const dir = value();
        if (dir === '') throw new HeadlessUsageError('--state-dir must not be empty');
        options.stateDir = dir;
        break;
      }
      case '--no-open':
        if (inline !== undefined) throw new HeadlessUsageError('--no-open takes no value');
        options.open = false;
        break;
      case '--new-token':
        if (inline !== undefined) throw new HeadlessUsageError('--new-token takes no value');
        options.newToken = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new HeadlessUsageError(`unknown argument "${arg}"`);
    }
  }
  return options;
}
