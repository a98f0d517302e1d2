// Hoist needs Node.js >= 22.12 (Electron 45's Node; Node 20 is out of support
// and the AWS SDK requires 22 from January 2027). The scripts people run (the
// CLI's bin, npm start) call requireNode() before anything else, so an older
// Node says so in one line instead of failing somewhere inside with a stack trace.
export const NODE_MIN = [22, 12];

/** Why this Node cannot run Hoist, or undefined when it can. */
export function nodeVersionProblem(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  if (major > NODE_MIN[0] || (major === NODE_MIN[0] && minor >= NODE_MIN[1])) return undefined;
  return `Hoist needs Node.js >= ${NODE_MIN.join('.')}; this is ${version} (see the README's quick start)`;
}

/** Exits with the one-line reason when this Node is too old. */
export function requireNode() {
  const problem = nodeVersionProblem(process.version);
  if (!problem) return;
  process.stderr.write(`hoist: ${problem}\n`);
  process.exit(1);
}
