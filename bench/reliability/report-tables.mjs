// Small pieces the reliability page's sections share.
const MiB = 2 ** 20;

export const mib = (bytes) => (bytes / MiB).toFixed(1);

/** A markdown table; cells are escaped so a message with a pipe stays in its cell. */
export function table(head, rows) {
  const cell = (value) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

export function figuresOf(results, section) {
  return results.figures.filter((figure) => figure.section === section);
}

const STATUS = { passed: 'passed', failed: '**FAILED**', skipped: 'skipped', pending: 'skipped', todo: 'skipped' };

/** Each test of these files with its outcome in the run. */
export function testList(results, files) {
  const lines = [];
  for (const file of files) {
    const tests = results.tests.filter((test) => test.file === file);
    if (tests.length === 0) {
      lines.push(`- \`${file}\`: **not run**`);
      continue;
    }
    lines.push(`- \`${file}\`:`);
    for (const test of tests) lines.push(`  - ${STATUS[test.status] ?? test.status} (${test.seconds} s): ${test.name}`);
  }
  return lines.join('\n');
}

export const code = (text) => `\`${String(text).replaceAll('`', "'")}\``;
