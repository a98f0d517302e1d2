// The reliability page's sections on bad input and on the state database.
import { code, figuresOf, table, testList } from './report-tables.mjs';

export function badInputSection(results) {
  const seen = figuresOf(results, 'bad-input');
  return [
    '## Bad input',
    '',
    'Expected everywhere: one clear line (no stack trace, no "unexpected error"), nothing half made on the server, and the state database whole with earlier uploads untouched. What the CLI printed in this run (`e2e/cli/bad-input.s3.test.ts`):',
    '',
    table(
      ['input', 'exit', 'first line printed'],
      // vitest names a test "describe > describe > test"; the file's outer describe says nothing here, and a
      // test that tries several inputs is named once.
      seen.map((row, index) => [row.test === seen[index - 1]?.test ? '(the same test, its next input)' : row.test.split(' > ').slice(1).join(': '), row.exit, code(row.message)]),
    ),
    '',
    'The rest of that file, and a source that changes, vanishes or is odd in the middle of an upload:',
    '',
    testList(results, ['e2e/cli/bad-input.s3.test.ts', 'e2e/cli/bad-input-mid-upload.s3.test.ts']),
    '',
  ].join('\n');
}

export function stateSection(results) {
  const damaged = figuresOf(results, 'damaged-database');
  const truncated = figuresOf(results, 'truncated-database')[0];
  const first = damaged[0];
  return [
    '## State database faults',
    '',
    first
      ? `**Every page damaged, five ways** (\`main/store/salvage-sweep.test.ts\`). A state database the store made with ${first.uploads} uploads (${first.pages} pages of ${first.pageSize / 1024} KiB), each page in turn damaged, each file then opened as a start of Hoist opens it (detect, move aside, salvage). A salvage may lose values, never read one that was not recorded.`
      : '**Every page damaged**: not in this run.',
    '',
    table(
      ['damage', 'files', 'crashes', 'detected at open', 'not detected', 'values read that were not recorded', `all ${first?.uploads ?? ''} uploads read`, 'some read (fewest–most)', 'none read'],
      damaged.map((row) => [row.pattern, row.files, row.crashes, row.detected, row.undetected, row.wrongValues, row.whole, row.partial ? `${row.partial} (${row.partialMin}–${row.partialMax})` : '0', row.none]),
    ),
    '',
    truncated ? truncatedText(truncated) : '**Cut short**: not in this run.',
    '',
    '**Against RGW**: a damaged database after a kill, a database written by a newer Hoist, the disk full mid-upload, two processes on one state directory, and a folder upload whose database was damaged:',
    '',
    testList(results, [
      'e2e/cli/state-corrupt.s3.test.ts',
      'e2e/cli/state-database.s3.test.ts',
      'e2e/cli/state-disk-full.s3.test.ts',
      'e2e/cli/state-lock.s3.test.ts',
      'e2e/cli/folder-state-corrupt.s3.test.ts',
    ]),
    '',
  ].join('\n');
}

function truncatedText({ uploads, fileKiB, sizes }) {
  const by = (outcome) => sizes.filter((size) => size.outcome === outcome).length;
  const steps = sizes.filter((size) => size.kib % 16 === 0 || size === sizes.at(-1));
  return [
    `**Cut short at every KiB** (same test file): the ${fileKiB} KiB file cut to each of ${sizes.length} sizes from 0: ${by('crash')} crashes, ${by('detected')} detected as damaged, ${by('undetected')} not (the 0-byte file, which is a valid empty database: Hoist starts fresh). Uploads read, of ${uploads}, by what is left:`,
    '',
    table(['KiB left', ...steps.map((size) => size.kib)], [['uploads read', ...steps.map((size) => size.uploads)]]),
  ].join('\n');
}
