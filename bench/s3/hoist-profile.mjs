// Where Hoist's time goes: one upload under Node's sampling CPU profiler
// (--cpu-prof, one profile per thread), each sample put in the first matching
// category below by its call stack. It answers "hashing, signing, copies,
// SQLite?" with milliseconds per thread, and the share of the wall time the
// main thread spent writing state.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { hoistInvocation } from './clients.mjs';
import { runMeasured } from './run-measured.mjs';

/** In order: a sample goes to the first category whose test matches its stack (leaf first). */
const CATEGORIES = [
  ['idle (waiting for the network, the disk or the other thread)', (stack) => stack[0].functionName === '(idle)'],
  ['garbage collection', (stack) => stack[0].functionName === '(garbage collector)'],
  ['hashing (MD5 + SHA-256)', (stack) => stack.some((frame) => frame.url.includes('crypto/hash') || frame.url.includes('worker eval'))],
  ['writing state (SQLite)', (stack) => stack.some((frame) => frame.url.includes('better-sqlite3'))],
  ['request signing (SigV4)', (stack) => stack.some((frame) => frame.url.includes('signature-v4'))],
  ['copying into sockets', (stack) => stack.some((frame) => ['writeBuffer', 'writev', 'writeGeneric', 'writevGeneric'].includes(frame.functionName))],
  ['reading the file', (stack) => stack.some((frame) => frame.url.includes('fs/promises'))],
  ['start-up (loading code)', (stack) => stack.some((frame) => /cjs\/loader|esm\/|modules\/|bootstrap\//.test(frame.url))],
  ['other JavaScript (SDK requests, streams, engine)', () => true],
];

function categorize(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stackOf = new Map();
  const stack = (id) => {
    if (!stackOf.has(id)) {
      const frames = [];
      for (let current = id; current !== undefined; current = parent.get(current)) frames.push(byId.get(current).callFrame);
      stackOf.set(id, frames);
    }
    return stackOf.get(id);
  };
  const ms = Object.fromEntries(CATEGORIES.map(([name]) => [name, 0]));
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const delta = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += delta;
    const frames = stack(id);
    const [name] = CATEGORIES.find(([, test]) => test(frames));
    ms[name] += delta;
  });
  return { totalMs, ms };
}

/** One profiled upload of ctx.file with the warm state directory. */
export async function profileHoist(ctx, stateDir, key) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-prof-'));
  try {
    const run = await runMeasured(hoistInvocation(ctx, ['upload', ctx.file, `s3://${ctx.bucket}/${key}`], { stateDir, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] }));
    if (!run.ok) throw new Error(`profiled upload failed (exit ${run.exitCode}): ${run.output}`);
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread.
    const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
    const threads = [];
    for (const name of files) {
      const thread = Number(name.split('.')[4]);
      const profile = JSON.parse(await readFile(join(dir, name), 'utf8'));
      threads.push({ name: thread === 0 ? 'main thread' : 'hashing thread', ...categorize(profile) });
    }
    const main = threads.find((thread) => thread.name === 'main thread');
    return {
      wallSeconds: run.wallSeconds,
      cpuSeconds: run.cpuSeconds,
      threads,
      stateShareOfWall: main ? main.ms['writing state (SQLite)'] / 1000 / run.wallSeconds : NaN,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
