// The folders the folder benchmark uploads, generated once into a cache
// directory and reused: many small files (A, B) and a "photo folder" of large
// ones (C). Content and sizes are deterministic (file i of a workload is always
// the same bytes), so a scaled-down set is the start of the full one, and
// random, so no layer (compression, dedup) favours one client.
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Bumped when the layout or content rule changes, so old caches are made again. */
const CACHE_VERSION = 1;

export const WORKLOADS = {
  A: { id: 'A', label: '2,000 × 64 KiB', count: 2000, folder: 'small-64k', perDir: 100, size: () => 64 * KiB },
  B: { id: 'B', label: '10,000 × 16 KiB', count: 10_000, folder: 'small-16k', perDir: 100, size: () => 16 * KiB },
  C: {
    id: 'C',
    label: '"photo folder": 500 files of 2–12 MiB',
    count: 500,
    folder: 'photos',
    perDir: 0, // flat, as a camera's folder is
    // Uniform in [2 MiB, 12 MiB), to the byte: mixed sizes, some over the 8 MiB part size and some under.
    size: (index) => 2 * MiB + Math.floor(unitRandom(`C/size/${index}`) * 10 * MiB),
  },
};

export const DEFAULT_CACHE_DIR = process.env.HOIST_BENCH_FOLDERS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hoist-bench', 'folders');

/** A number in [0, 1) from a name: the first 6 bytes of its SHA-256. */
function unitRandom(name) {
  return createHash('sha256').update(name).digest().readUIntBE(0, 6) / 2 ** 48;
}

/** The relative path of file `index` in a workload's folder. */
function relativePath(workload, index) {
  const name = workload.perDir ? `f${String(index).padStart(5, '0')}.bin` : `IMG_${String(index + 1).padStart(4, '0')}.jpg`;
  return workload.perDir ? join(`d${String(Math.floor(index / workload.perDir)).padStart(3, '0')}`, name) : name;
}

/** The files of a workload scaled by `scale` (at least one): relative path and size. */
export function planWorkload(id, scale) {
  const workload = WORKLOADS[id];
  if (!workload) throw new Error(`unknown workload "${id}" (A, B or C)`);
  const count = Math.max(1, Math.round(workload.count * scale));
  const files = Array.from({ length: count }, (_, index) => ({ path: relativePath(workload, index), size: workload.size(index) }));
  return { ...workload, count, files, totalBytes: files.reduce((sum, file) => sum + file.size, 0) };
}

/** AES-128-CTR of zeros keyed by the file's name: fast, deterministic, incompressible. */
function contentStream(workloadId, index) {
  const key = createHash('sha256').update(`hoist-bench-folders/${workloadId}/${index}`).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
}

async function writeFileContent(path, workloadId, index, size, zeros) {
  const cipher = contentStream(workloadId, index);
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const take = Math.min(zeros.length, size - written);
      const bytes = cipher.update(zeros.subarray(0, take));
      await handle.write(bytes, 0, bytes.length);
      written += bytes.length;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Makes sure the workload's folder exists in the cache with exactly the planned
 * files (made again if anything is missing or another size) and returns its path.
 */
export async function ensureWorkload(plan, cacheDir, log) {
  const base = join(cacheDir, `${plan.id}-${plan.count}`);
  const dir = join(base, plan.folder);
  const manifestPath = join(base, 'manifest.json');
  const manifest = { version: CACHE_VERSION, id: plan.id, count: plan.count, totalBytes: plan.totalBytes };
  if (existsSync(manifestPath)) {
    const saved = await readFile(manifestPath, 'utf8').then(JSON.parse, () => undefined);
    if (JSON.stringify(saved) === JSON.stringify(manifest) && (await matchesPlan(dir, plan))) return dir;
  }
  log(`generating workload ${plan.id}: ${plan.count} files, ${(plan.totalBytes / MiB).toFixed(0)} MiB in ${dir}`);
  await rm(base, { recursive: true, force: true });
  const zeros = Buffer.alloc(4 * MiB);
  const made = new Set();
  for (const [index, file] of plan.files.entries()) {
    const path = join(dir, file.path);
    const parent = join(path, '..');
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await writeFileContent(path, plan.id, index, file.size, zeros);
  }
  // Written last: a generation cut short leaves no manifest and is made again next time.
  await writeFile(manifestPath, `${JSON.stringify(manifest)}\n`);
  return dir;
}

async function matchesPlan(dir, plan) {
  for (const file of plan.files) {
    const info = await stat(join(dir, file.path)).catch(() => undefined);
    if (info?.size !== file.size) return false;
  }
  return true;
}

/** Reads every file once, so each client finds the folder in the page cache (none pays for the disk). */
export async function warmPageCache(dir, plan) {
  for (const file of plan.files) {
    await new Promise((resolve, reject) => {
      const stream = createReadStream(join(dir, file.path), { highWaterMark: MiB });
      stream.on('data', () => undefined);
      stream.on('end', resolve);
      stream.on('error', reject);
    });
  }
}
