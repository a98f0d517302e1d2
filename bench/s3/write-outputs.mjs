// Writes one run's outputs: the raw results, and the page and chart made from
// them. The page can be made again from the saved results (--report-only), so
// a change to its wording never needs a new measurement.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdown, throughputSvg } from './report.mjs';

export const RESULTS_FILE = 'bench/results/s3-upload.json';
/** Written by bench/renderer-queue.mjs (npm run bench:ui); its figures go on the same page. */
export const RENDERER_RESULTS_FILE = 'bench/results/renderer-queue.json';

export async function writeResults(root, results) {
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(join(root, RESULTS_FILE), `${JSON.stringify(results, null, 2)}\n`);
}

export async function readResults(root) {
  return JSON.parse(await readFile(join(root, RESULTS_FILE), 'utf8'));
}

/** docs/benchmarks.md and docs/benchmarks-throughput.svg from one run's results (and the renderer's latest, if any). */
export async function writeDocs(root, { measuredAt, machine, config, rows, targets, profile, hoistOnly }) {
  const summary = { rows, targets };
  const renderer = await readFile(join(root, RENDERER_RESULTS_FILE), 'utf8').then(JSON.parse, () => undefined);
  await writeFile(join(root, 'docs', 'benchmarks.md'), markdown({ machine, config, summary, measuredAt, resultsFile: RESULTS_FILE, profile, hoistOnly, renderer }));
  await writeFile(join(root, 'docs', 'benchmarks-throughput.svg'), throughputSvg({ config, summary }));
}
