import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// No import cycles between the project's own modules: every relative import
// counts, type-only ones too (a type cycle still ties the files' designs together),
// as do `export ... from`, dynamic import() and require(). Tests are included.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['main', 'shared', 'preload', 'renderer'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier in the file, of every kind. */
export function specifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isDynamicImport || isRequire) literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The project file a relative specifier names, or undefined (a package, or a file that is not a source). */
function resolveRelative(fromFile: string, specifier: string, known: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), specifier.replace(/[?#].*$/, ''));
  const candidates = [base, base.replace(/\.(m|c)?js$/, '.ts'), base.replace(/\.jsx?$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((candidate) => known.has(candidate) && statSync(candidate).isFile());
}

/** Tarjan's strongly connected components. */
function components(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      result.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return result;
}

/**
 * The elementary cycles, each starting at its smallest file, as "a → b → a".
 * Within one tangle there can be very many: at most `limit` per tangle are listed.
 */
export function findCycles(graph: Map<string, string[]>, limit = 50): string[] {
  const cycles: string[] = [];
  for (const component of components(graph)) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && (graph.get(component[0]!) ?? []).includes(component[0]!);
    if (component.length < 2 && !selfLoop) continue;
    const found: string[] = [];
    const ordered = [...members].sort();
    for (const [startIndex, start] of ordered.entries()) {
      // Cycles through `start` using only members after it: each cycle is found once, from its smallest member.
      const allowed = new Set(ordered.slice(startIndex));
      const path = [start];
      const onPath = new Set([start]);
      const walk = (node: string): void => {
        for (const next of [...new Set(graph.get(node) ?? [])].sort()) {
          if (found.length >= limit) return;
          if (next === start) found.push([...path, start].join(' → '));
          else if (allowed.has(next) && !onPath.has(next)) {
            path.push(next);
            onPath.add(next);
            walk(next);
            path.pop();
            onPath.delete(next);
          }
        }
      };
      walk(start);
    }
    cycles.push(...found);
    if (found.length >= limit) cycles.push(`… and more cycles among: ${ordered.join(', ')}`);
  }
  return cycles.sort();
}

describe('import cycles', () => {
  it('finds cycles of every import kind (self-check)', () => {
    const code = [
      "import type { A } from './a.ts';",
      "export * from './b.ts';",
      "export { c } from './c.ts';",
      "const d = await import('./d.ts');",
      "const e = require('./e.ts');",
      "type F = import('./f.ts').F;",
      "import { g } from 'zod';",
    ].join('\n');
    expect(specifiers('x.ts', code)).toEqual(['./a.ts', './b.ts', './c.ts', './d.ts', './e.ts', './f.ts', 'zod']);
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['b']],
      ['d', ['e']],
      ['e', []],
      ['s', ['s']],
    ]);
    expect(findCycles(graph)).toEqual(['a → b → a', 'b → c → b', 's → s']);
  });

  it('there are none among main/, shared/, preload/ and renderer/ (tests included)', () => {
    const files = FOLDERS.flatMap((folder) => sourceFiles(join(root, folder)));
    expect(files.length).toBeGreaterThan(50);
    const known = new Set(files);
    const name = (file: string) => relative(root, file).split(sep).join('/');
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const targets = specifiers(file, readFileSync(file, 'utf8'))
        .map((specifier) => resolveRelative(file, specifier, known))
        .filter((target): target is string => target !== undefined);
      graph.set(name(file), targets.map(name));
    }
    expect(findCycles(graph)).toEqual([]);
  });
});
