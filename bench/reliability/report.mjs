// docs/reliability.md from the saved results of `npm run reliability`
// (bench/results/reliability.json): every figure on the page is read from
// there, so the page can be written again byte for byte (--report-only).
import { crashSections, folderSection, networkSection } from './report-runs.mjs';
import { badInputSection, stateSection } from './report-state.mjs';
import { testList } from './report-tables.mjs';

export function reliabilityPage(results, resultsFile) {
  const { tests, machine } = results;
  const count = (status) => tests.filter((test) => test.status === status).length;
  const failures = tests.filter((test) => test.status === 'failed');
  const skipped = count('skipped') + count('pending') + count('todo');
  return `${[
    '# Reliability: what was tried, how often, what survived',
    '',
    "Hoist's promise is that nothing is lost. Every scenario below runs against a real S3 server (the project's single-node Ceph RGW on loopback, `scripts/s3-test-server.sh`; any endpoint through `HOIST_TEST_S3_*`), never a mock, and checks the object's bytes against the file, the multipart uploads left on the server, and the state database. The same tests run in `npm test` (CI).",
    '',
    `**This page is generated.** Every figure comes from one run of \`${results.command}\`, kept in [\`${resultsFile}\`](../${resultsFile}) (each test's outcome and each figure the tests measured); \`npm run reliability -- --report-only\` writes the page again from it. The run: ${results.measuredAt.slice(0, 16).replace('T', ' ')} UTC, commit \`${results.commit}\`, ${results.minutes} minutes; ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, ${machine.os}, Node ${machine.node}; S3 server: ${machine.server}.`,
    '',
    `**Outcome: ${tests.length} tests, ${count('passed')} passed, ${failures.length} failed${skipped ? `, ${skipped} skipped` : ''}.**${failures.length ? ` Failed: ${failures.map((test) => `${test.name} (\`${test.file}\`)`).join('; ')}.` : ''} The soaks ran ${results.soakRuns ? `with \`--soak ${results.soakRuns}\`` : 'at the size CI runs'}; \`npm run reliability -- --soak 300\` runs longer ones (\`HOIST_SOAK_SEED=N\` replays a soak: the seed is in its test name).`,
    '',
    badInputSection(results),
    ...crashSections(results),
    folderSection(results),
    networkSection(results),
    stateSection(results),
    '## Living with other S3 tools',
    '',
    "Another tool's parts inside Hoist's upload, another tool's unfinished upload of a longer file, a shrunken file continued while the server holds its old later parts (RGW refuses a Complete that does not list every part it holds); an object another tool wrote at the key after Hoist crashed; options typed on `resume` that the recorded upload did not use; a folder whose keys hold objects that differ.",
    '',
    testList(results, ['e2e/cli/stray-parts.s3.test.ts', 'e2e/cli/foreign-object.s3.test.ts', 'e2e/cli/options-never-ignored.s3.test.ts', 'e2e/cli/folder-differs.s3.test.ts']),
    '',
    '## Known limits',
    '',
    '- A part whose answer was lost is sent again in full although the ListParts that follows the failure shows it stored; a reset mid-body costs the whole part (the client had handed it to the socket).',
    '- On a very slow link with high concurrency the stall timeout can abort a part still draining from the kernel\'s buffers (`--stall-timeout`, 30 s by default).',
    '- SQLite keeps no checksums: damage that leaves a page well-formed (a page written where another belonged) can go unseen at open; the table above counts such cases as "not detected", and what was read from them is compared with what was recorded all the same.',
    '- Damage to the first page (the header and schema) or to the root page of the uploads table loses every upload row; targets and settings survive where their pages do, and `upload` of the same file still adopts the server\'s upload (see *Lost state* in the README).',
  ].join('\n')}\n`;
}
