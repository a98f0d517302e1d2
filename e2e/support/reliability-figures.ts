// The figures `npm run reliability` puts on docs/reliability.md. A test that
// measures something the page quotes hands it here; when the command runs the
// suites it sets HOIST_RELIABILITY_FIGURES to a file, and each figure becomes
// one JSON line there, kept with the run's results under bench/results/.
// Outside that command (npm test) nothing is written. Figures are recorded
// whether the test's assertions then pass or not: they are what was measured.
import { appendFileSync } from 'node:fs';

export type FigureSection =
  | 'crash-stage'
  | 'crash-headless'
  | 'network'
  | 'damaged-database'
  | 'truncated-database'
  | 'folder-crash'
  | 'bad-input'
  | 'stray-parts'
  | 'foreign-object';

export function recordFigure(section: FigureSection, figure: Record<string, unknown>): void {
  const file = process.env.HOIST_RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ section, ...figure })}\n`);
}
