// Compiles better-sqlite3 for Electron with the pinned @electron/rebuild
// (devDependencies). Needs a connected machine: it downloads Electron's headers.
// Only for a platform better-sqlite3 ships no binary for: its Node-API binaries
// (prebuilds/) load in Node and Electron alike. A compiled one is preferred
// over them; removing node_modules/better-sqlite3/build goes back.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '@electron/rebuild';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let electronVersion;
try {
  electronVersion = require('electron/package.json').version;
} catch {
  console.error('rebuild:electron: the electron package is not installed; install it on a connected machine first (npm ci).');
  process.exit(1);
}
console.error(`rebuild:electron: rebuilding better-sqlite3 for Electron ${electronVersion}`);
try {
  await rebuild({ buildPath: root, electronVersion, onlyModules: ['better-sqlite3'], force: true });
} catch (error) {
  console.error(`rebuild:electron: failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('Is this machine connected (Electron headers are downloaded)? To go back to plain Node: npm rebuild better-sqlite3');
  process.exit(1);
}
