// The Electron entry (bundled to dist/electron/main.cjs): start-shell.ts does
// everything, once, here.
import { startShell } from './start-shell.ts';

startShell();
