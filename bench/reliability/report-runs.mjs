// The reliability page's sections on processes killed for real and on network
// faults: tables of what bench/results/reliability.json recorded.
import { figuresOf, mib, table, testList } from './report-tables.mjs';

const resent = (row) => (row.resentMeasured === 0 ? 'not measured' : `${mib(row.resentMax)} MiB`);
const ends = (row) => `${row.identical}/${row.objects}`;
const integrity = (row) => `${row.integrityOk}/${row.ends}`;

function stages(results, suite) {
  return figuresOf(results, 'crash-stage').filter((row) => row.suite === suite);
}

export function crashSections(results) {
  const matrix = stages(results, 'crash-matrix');
  const soak = stages(results, 'crash-soak');
  const chains = soak.find((row) => row.stage === 'end of each chain');
  const kills = soak.filter((row) => row !== chains);
  const headless = stages(results, 'crash-headless');
  const seed = soak[0]?.seed;
  return [
    '## Processes killed for real',
    '',
    'The CLI is killed with SIGKILL, from inside at named points (`HOIST_CRASH_AT`) or from outside at moments seen on the wire through a relay, at every stage of an upload\'s life; then `resume` runs. "Re-sent" is what the next run sent of parts the killed run had started: the promise is at most the parts in flight (concurrency × part size, the bound).',
    '',
    '### Crash matrix (`e2e/cli/crash-matrix.s3.test.ts`): one kill per stage',
    '',
    table(
      ['stage', 'kills', 'objects identical', 'multipart uploads left', 'unexpected objects', 'integrity_check ok', 're-sent (most per crash)', 'bound'],
      matrix.map((row) => [row.stage, row.kills, ends(row), row.leftoverUploads, row.unexpectedObjects, integrity(row), resent(row), `${mib(row.resentBound)} MiB`]),
    ),
    '',
    `### Random kills (\`e2e/cli/crash-soak.s3.test.ts\`${seed === undefined ? '' : `, seed ${seed}`})`,
    '',
    chains
      ? `Chains of several files uploading at once, each killed again and again until a run ends by itself: ${chains.ends} chains, ${ends(chains)} objects identical, ${chains.leftoverUploads} multipart uploads left, ${chains.unexpectedObjects} unexpected objects, ${integrity(chains)} databases pass \`integrity_check\`.`
      : 'No chain ended in this run.',
    '',
    table(
      ['kill', 'kills', 'crashes measured (not measured: a later kill finished their parts)', 're-sent in total', 'most per crash', 'bound'],
      kills.map((row) => [row.stage, row.kills, `${row.resentMeasured} (${row.resentUnmeasured})`, `${mib(row.resentTotal)} MiB`, resent(row), `${mib(row.resentBound)} MiB`]),
    ),
    '',
    '### The headless app killed and started again (`e2e/cli/crash-headless.s3.test.ts`)',
    '',
    'It must resume by itself, with no command.',
    '',
    table(
      ['kill', 'kills', 'objects identical', 'multipart uploads left', 'unexpected objects', 'integrity_check ok', 're-sent (most per crash)'],
      headless.map((row) => [row.stage, row.kills, ends(row), row.leftoverUploads, row.unexpectedObjects, integrity(row), resent(row)]),
    ),
    '',
    '### Kills polled from the database, SIGINT, and an upload aborted between sessions',
    '',
    testList(results, ['e2e/cli/crash-resume.s3.test.ts']),
    '',
  ];
}

export function folderSection(results) {
  const rows = figuresOf(results, 'folder-crash');
  return [
    '## Folders killed mid-way (`e2e/cli/folder-crash.s3.test.ts`)',
    '',
    'A folder of small files and a few multipart files, sent one object per file, killed once, then `resume`: the listing under the prefix must equal the folder, and a file may go out twice only if it was on its way at the kill (at most the concurrency). The folder whose database was then damaged is in *State database faults*.',
    '',
    table(
      ['kill', 'files', '`resume` exit', 'listing equals the folder', 'multipart uploads left', 'files sent twice', 'limit', 'integrity_check'],
      rows.map((row) => [row.kill, row.files, row.resumeExit, row.listingEqual ? 'yes' : '**no**', row.leftoverUploads, row.sentTwice, row.concurrency, row.integrity]),
    ),
    '',
  ].join('\n');
}

export function networkSection(results) {
  const rows = figuresOf(results, 'network');
  const ratio = (row) => `${(row.sent / row.size).toFixed(2)}; worst ${row.maxRatio.toFixed(2)}`;
  return [
    '## Network and server faults',
    '',
    "A fault-injecting HTTP proxy written for the tests (`e2e/support/fault-proxy.ts`) sits between the CLI and RGW and decides per request: forward, reset the connection after N body bytes, answer an S3 error with a real XML body, delay, stall, cap bandwidth, or drop the answer after the server did the work. Every run must end with exit 0, the object identical to its file, no multipart upload left, each part once in `status`, and at most one part re-sent per fault on UploadPart. From `e2e/cli/network-torture.s3.test.ts` and `network-soak.s3.test.ts`:",
    '',
    table(
      ['run', 'scenario', 'runs', 'completed', 'object identical', 'faults injected', 'bytes sent / file size', 'multipart uploads left', 'seconds'],
      rows.map((row) => [row.file, row.scenario, row.runs, `${row.completed}/${row.runs}`, `${row.identical}/${row.runs}`, row.faults, ratio(row), row.leftover, row.seconds.toFixed(1)]),
    ),
    '',
    'The plainer cases (a reset mid-part, a stalled request, a server that cannot be reached):',
    '',
    testList(results, ['e2e/cli/network-faults.s3.test.ts']),
    '',
  ].join('\n');
}


