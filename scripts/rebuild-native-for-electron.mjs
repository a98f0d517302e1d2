// Rebuilds better-sqlite3 for Electron's ABI. Needs a connected machine: it
// downloads Electron's headers (and @electron/rebuild if it is not installed).
// Plain Node (CLI, tests, headless mode) uses the build `npm ci` made; run this
// only before starting or packaging the Electron app.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronVersion;
try {
  electronVersion = require('electron/package.json').version;
} catch {
  console.error('rebuild:electron: the electron package is not installed; install it on a connected machine first (npm install electron).');
  process.exit(1);
}
console.error(`rebuild:electron: rebuilding better-sqlite3 for Electron ${electronVersion}`);
const result = spawnSync('npx', ['--yes', '@electron/rebuild', '--version', electronVersion, '--only', 'better-sqlite3', '--force'], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('rebuild:electron: failed. Is this machine connected (Electron headers are downloaded)? To go back to plain Node: npm rebuild better-sqlite3');
}
process.exit(result.status ?? 1);
