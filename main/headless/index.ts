// hoist-headless: the desktop app's services and UI without Electron, served on 127.0.0.1.
import '../cli/quiet-sdk-warnings.ts';
import { main } from './main.ts';

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`hoist-headless: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
