import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from '../../e2e/support/reliability-figures.ts';
import { STATE_DATABASE_FILE } from '../app-paths.ts';
import { openState } from './open-state.ts';
import { salvageStateDatabase } from './salvage-state.ts';
import { noise, pageSizeOf, writeStateDatabase } from './testing/damaged-database.ts';
import type { RecordedUpload } from './testing/damaged-database.ts';
import { wrongValues } from './testing/salvage-checks.ts';

/**
 * Every page of a real state database damaged in turn, five ways, and the file
 * cut at every KiB: each damaged file goes through the same open a start of
 * Hoist does (openState: detect, move aside, salvage). No damage may crash it,
 * and a salvage may lose values, never read one that was not recorded. The
 * counts are the figures of docs/reliability.md (npm run reliability).
 */
const UPLOADS = 150;
let root = '';
let pristine: Buffer;
let recorded: RecordedUpload[] = [];
let pageSize = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hoist-sweep-'));
  const file = join(root, 'pristine.sqlite3');
  recorded = writeStateDatabase(file, UPLOADS);
  pristine = readFileSync(file);
  pageSize = pageSizeOf(file);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The ways a page goes bad: noise, a zeroed or erased page, a torn write, a write meant for another page. */
const PATTERNS: Record<string, (bytes: Buffer, page: number) => void> = {
  noise: (bytes, page) => noise(pageSize, page).copy(bytes, (page - 1) * pageSize),
  zeros: (bytes, page) => bytes.fill(0, (page - 1) * pageSize, page * pageSize),
  'all ones': (bytes, page) => bytes.fill(0xff, (page - 1) * pageSize, page * pageSize),
  'torn (first half noise)': (bytes, page) => noise(pageSize / 2, page + 1000).copy(bytes, (page - 1) * pageSize),
  'misdirected (the next page written over it)': (bytes, page) => {
    const other = page < bytes.length / pageSize ? page + 1 : page - 1;
    pristine.copy(bytes, (page - 1) * pageSize, (other - 1) * pageSize, other * pageSize);
  },
};

interface Opened {
  outcome: 'crash' | 'detected' | 'undetected';
  uploads: number;
  wrong: string[];
  message?: string;
}

let case_ = 0;
/** Opens `bytes` as a start of Hoist would, then checks what it read. */
function openDamaged(bytes: Buffer): Opened {
  const dir = join(root, `case-${(case_ += 1)}`);
  const file = join(dir, STATE_DATABASE_FILE);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, bytes);
  try {
    const opened = openState(dir);
    opened.close();
    // Undetected damage: what the store reads is what a salvage of the same file reads.
    const salvage = opened.recovery?.salvage ?? salvageStateDatabase(file);
    return { outcome: opened.recovery ? 'detected' : 'undetected', uploads: salvage.uploads.length, wrong: wrongValues(salvage, recorded) };
  } catch (error) {
    return { outcome: 'crash', uploads: 0, wrong: [], message: (error as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('every page of a state database damaged five ways', () => {
  it('never crashes the open and never reads a value that was not recorded', { timeout: 120_000 }, () => {
    const pages = pristine.length / pageSize;
    for (const [pattern, damage] of Object.entries(PATTERNS)) {
      const counts = { pattern, files: 0, crashes: 0, detected: 0, undetected: 0, wrongValues: 0, whole: 0, partial: 0, none: 0, partialMin: UPLOADS, partialMax: 0 };
      for (let page = 1; page <= pages; page += 1) {
        const bytes = Buffer.from(pristine);
        damage(bytes, page);
        const opened = openDamaged(bytes);
        counts.files += 1;
        counts[opened.outcome === 'crash' ? 'crashes' : opened.outcome] += 1;
        counts.wrongValues += opened.wrong.length;
        if (opened.uploads === UPLOADS) counts.whole += 1;
        else if (opened.uploads === 0) counts.none += 1;
        else {
          counts.partial += 1;
          counts.partialMin = Math.min(counts.partialMin, opened.uploads);
          counts.partialMax = Math.max(counts.partialMax, opened.uploads);
        }
        expect(opened.message, `${pattern}, page ${page}`).toBeUndefined();
        expect(opened.wrong, `${pattern}, page ${page}`).toEqual([]);
      }
      recordFigure('damaged-database', { ...counts, uploads: UPLOADS, pages, pageSize });
    }
  });
});

describe('a state database cut short at every KiB', () => {
  it('never crashes the open and never reads a value that was not recorded; what is read grows with what is left', { timeout: 120_000 }, () => {
    const sizes: { kib: number; outcome: string; uploads: number }[] = [];
    for (let cut = 0; cut < pristine.length; cut += 1024) {
      const opened = openDamaged(pristine.subarray(0, cut));
      sizes.push({ kib: cut / 1024, outcome: opened.outcome, uploads: opened.uploads });
      expect(opened.message, `cut at ${cut} bytes`).toBeUndefined();
      expect(opened.wrong, `cut at ${cut} bytes`).toEqual([]);
      // Only the empty file is a valid database (an empty one): any other cut is found.
      expect(opened.outcome, `cut at ${cut} bytes`).toBe(cut === 0 ? 'undetected' : 'detected');
    }
    // With only the last page missing, nearly every upload is still read.
    expect(sizes.at(-1)?.uploads).toBeGreaterThan(UPLOADS * 0.9);
    recordFigure('truncated-database', { uploads: UPLOADS, fileKiB: pristine.length / 1024, sizes });
  });
});
