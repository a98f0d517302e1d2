import { basename, relative } from 'node:path';

/**
 * How to run Hoist's CLI again, as the user ran it this time, for messages
 * that tell them what to type next ("run `hoist resume`"): `hoist` when it
 * was started through the package's bin (npm link, npx, a global install),
 * `npm run cli --` through the npm script, else node and the script's path.
 */
export function invokedAs(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const script = argv[1] ?? '';
  if (basename(script) === 'hoist') return 'hoist';
  if (env.npm_lifecycle_event === 'cli') return 'npm run cli --';
  const path = relative(cwd, script);
  return `node ${path.startsWith('..') || path === '' ? script : path}`;
}
