import { main } from './main.ts';

// The AWS SDK warns on every start that future releases will need a newer
// Node; that is for Hoist's maintainers, not for the person uploading a file.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'NodeVersionSupportWarning') process.stderr.write(`hoist: warning: ${warning.message}\n`);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`hoist: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
