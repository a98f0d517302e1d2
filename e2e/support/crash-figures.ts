// The crash tests' figures for the reliability document: per stage, how many
// kills, and what the runs ended with. Written to test-results/crash-figures/
// as JSON and printed as a table, whether the assertions passed or not (the
// numbers are what was measured, not what was hoped for).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EndState } from './crash-checks.ts';
import { recordFigure } from './reliability-figures.ts';

export interface StageFigures {
  stage: string;
  /** Real SIGKILLs of a Hoist process at this stage. */
  kills: number;
  /** Runs brought to their end (resume or restart) and checked. */
  ends: number;
  objects: number;
  identical: number;
  leftoverUploads: number;
  unexpectedObjects: number;
  integrityOk: number;
  /** Crashes whose re-sent bytes a reporting run measured (see resentBy). */
  resentMeasured: number;
  /** Crashes whose parts in flight a later killed run finished: what that cost cannot be reported. */
  resentUnmeasured: number;
  resentTotal: number;
  resentMax: number;
  /** The promise per crash: at most the parts in flight, concurrency × part size. */
  resentBound: number;
}

export class CrashFigures {
  private readonly stages = new Map<string, StageFigures>();

  /** `meta`: what replays the run (a soak's seed), kept with each figure. */
  constructor(
    private readonly name: string,
    private readonly meta: Record<string, unknown> = {},
  ) {}

  private row(stage: string): StageFigures {
    let row = this.stages.get(stage);
    if (!row) {
      row = { stage, kills: 0, ends: 0, objects: 0, identical: 0, leftoverUploads: 0, unexpectedObjects: 0, integrityOk: 0, resentMeasured: 0, resentUnmeasured: 0, resentTotal: 0, resentMax: 0, resentBound: 0 };
      this.stages.set(stage, row);
    }
    return row;
  }

  kill(stage: string): void {
    this.row(stage).kills += 1;
  }

  end(stage: string, end: EndState): void {
    const row = this.row(stage);
    row.ends += 1;
    row.objects += end.expected;
    row.identical += end.identical;
    row.leftoverUploads += end.leftoverUploads.length;
    row.unexpectedObjects += end.unexpectedKeys.length;
    if (end.integrity === 'ok') row.integrityOk += 1;
  }

  /** Negative (parts adopted from the server) counts as nothing re-sent. */
  resent(stage: string, bytes: number, bound: number): void {
    const row = this.row(stage);
    row.resentMeasured += 1;
    row.resentTotal += Math.max(0, bytes);
    row.resentMax = Math.max(row.resentMax, bytes);
    row.resentBound = Math.max(row.resentBound, bound);
  }

  unmeasured(stage: string): void {
    this.row(stage).resentUnmeasured += 1;
  }

  all(): StageFigures[] {
    return [...this.stages.values()];
  }

  write(): string {
    const dir = join('test-results', 'crash-figures');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.name}.json`);
    writeFileSync(file, `${JSON.stringify(this.all(), null, 2)}\n`);
    for (const row of this.all()) recordFigure('crash-stage', { suite: this.name, ...this.meta, ...row });
    const table = [
      `crash figures (${this.name}):`,
      'stage | kills | ends | identical/objects | leftover uploads | unexpected objects | integrity ok | re-sent: measured (unmeasured), total MiB, max MiB per crash (bound MiB)',
      ...this.all().map(
        (row) =>
          `${row.stage} | ${row.kills} | ${row.ends} | ${row.identical}/${row.objects} | ${row.leftoverUploads} | ${row.unexpectedObjects} | ${row.integrityOk}/${row.ends} | ` +
          `${row.resentMeasured} (${row.resentUnmeasured}), ${mib(row.resentTotal)}, ${mib(row.resentMax)} (${mib(row.resentBound)})`,
      ),
    ].join('\n');
    process.stdout.write(`${table}\n`);
    return file;
  }
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(2);
}
