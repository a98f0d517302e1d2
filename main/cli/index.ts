import './quiet-sdk-warnings.ts';
import { main } from './main.ts';

/**
 * Ends the process once what was written to stdout and stderr has left it.
 * process.exit does not wait: where stdout is a pipe, a long answer (the JSON
 * of a thousand orphans) would be cut off mid-way. Exiting at all is needed,
 * since the SDK's kept-alive sockets would hold the process open.
 */
function exitWhenWritten(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitWhenWritten, (error: unknown) => {
  process.stderr.write(`hoist: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitWhenWritten(1);
});
