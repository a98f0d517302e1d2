import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module of the benchmark scripts, without types
import { reliabilityPage } from '../bench/reliability/report.mjs';

// A generated page that no longer matches its committed results was edited
// by hand or written by other code: either way its figures are not traceable.
const root = join(import.meta.dirname, '..');

describe('pages generated from committed results', () => {
  it('docs/reliability.md is exactly what `npm run reliability -- --report-only` writes from bench/results/reliability.json', () => {
    const results = JSON.parse(readFileSync(join(root, 'bench/results/reliability.json'), 'utf8'));
    const page = (reliabilityPage as (results: unknown, file: string) => string)(results, 'bench/results/reliability.json');
    expect(page).toBe(readFileSync(join(root, 'docs/reliability.md'), 'utf8'));
  });
});
