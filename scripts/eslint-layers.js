// A small local ESLint plugin that keeps Hoist's layers apart, in the style of
// VS Code's `local/code-layering`: one rule, `layers/imports`, checks every
// module specifier of a file against the layer rules that govern the file's folder.
//
// Every way of naming a module is checked: static `import` (also `import type`),
// `export ... from`, dynamic `import('x')`, `import('x')` in a type, `require('x')`,
// `import x = require('x')`, and a require made by `createRequire` (called at
// once or kept in a variable). Relative specifiers are resolved against the
// file's own path, so `../store/x.ts` from main/engine/ is `main/store/x.ts`.
//
// Each specifier becomes one target string that the layer globs are matched against:
//   a project file        main/store/sqlite-state.ts  (path from the project root)
//   a Node built-in       node:fs, node:fs/promises   (with or without `node:` in the source)
//   an npm package        npm:electron, npm:@aws-sdk/client-s3
// Globs: `**` crosses folders, `*` stays within one, `{a,b}` is either.
//
// Options: { root: the project root (defaults to ESLint's cwd), layers: [...] }, each layer
//   name      shown in the message, e.g. "engine-host-neutral"
//   files     globs of the files the layer governs; ignores: globs it does not
//   allow     if given, a target must match one of these
//   deny      a target matching one of these is refused
//   typesFrom targets that may still be imported type-only (`import type`,
//             `export type ... from`, `import('x').T` in a type): erased by esbuild
//   reason    one sentence: why
import { builtinModules } from 'node:module';
import path from 'node:path';

const builtins = new Set(builtinModules);

/** A glob as a RegExp: `**` crosses folders, `*` stays within one, `{a,b}` is either. */
export function globToRegExp(glob) {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      // "a/**/b" also matches "a/b"; a trailing "/**" also matches the folder itself.
      if (glob[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '{') {
      const end = glob.indexOf('}', i);
      source += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((part) => part.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('|')})`;
      i = end;
    } else source += char.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const compiled = new Map();
function matches(globs, value) {
  return (globs ?? []).some((glob) => {
    let regExp = compiled.get(glob);
    if (!regExp) compiled.set(glob, (regExp = globToRegExp(glob)));
    return regExp.test(value);
  });
}

const toPosix = (p) => p.split(path.sep).join('/');

/**
 * What a specifier names, as one target string (see above), or undefined for
 * something that is not a module (a URL, a virtual module).
 */
export function classify(specifier, fromFile, root) {
  const bare = specifier.replace(/[?#].*$/, '');
  if (bare.startsWith('.') || bare.startsWith('/')) {
    const resolved = path.resolve(path.dirname(fromFile), bare);
    return toPosix(path.relative(root, resolved)) || '.';
  }
  if (bare.startsWith('node:')) return bare;
  if (builtins.has(bare) || builtins.has(bare.split('/')[0])) return `node:${bare}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(bare)) return undefined;
  return `npm:${bare}`;
}

/** Why `target` is refused by `layer`, or undefined when it is allowed. */
export function refusal(layer, target, typeOnly) {
  const refused = (layer.allow && !matches(layer.allow, target)) || matches(layer.deny, target);
  if (!refused) return undefined;
  if (typeOnly && matches(layer.typesFrom, target)) return undefined;
  return layer.reason;
}

function stringValue(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return undefined;
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: "Keeps Hoist's layers apart: refuses imports a folder's layer rules do not allow." },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layers: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                files: { type: 'array', items: { type: 'string' } },
                ignores: { type: 'array', items: { type: 'string' } },
                allow: { type: 'array', items: { type: 'string' } },
                deny: { type: 'array', items: { type: 'string' } },
                typesFrom: { type: 'array', items: { type: 'string' } },
                reason: { type: 'string' },
              },
              required: ['name', 'files', 'reason'],
              additionalProperties: false,
            },
          },
        },
        required: ['layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      refused: 'Layer rule "{{layer}}" refuses {{specifier}}: {{reason}}',
      unchecked: 'Layer rule "{{layer}}" cannot check a module name computed at run time: write it as a string literal.',
    },
  },

  create(context) {
    const { layers, root: givenRoot } = context.options[0] ?? { layers: [] };
    const root = givenRoot ?? context.cwd;
    const filename = context.filename;
    const relative = toPosix(path.relative(root, filename));
    const governing = layers.filter((layer) => matches(layer.files, relative) && !matches(layer.ignores, relative));
    if (governing.length === 0) return {};

    function check(sourceNode, typeOnly, reportNode = sourceNode) {
      const specifier = stringValue(sourceNode);
      if (specifier === undefined) {
        // A computed name can reach anything; a layer with an allow list cannot let it through.
        for (const layer of governing) if (layer.allow) context.report({ node: reportNode, messageId: 'unchecked', data: { layer: layer.name } });
        return;
      }
      const target = classify(specifier, filename, root);
      if (target === undefined) return;
      for (const layer of governing) {
        const reason = refusal(layer, target, typeOnly);
        if (reason) context.report({ node: sourceNode, messageId: 'refused', data: { layer: layer.name, specifier: `'${specifier}'`, reason } });
      }
    }

    /** Local names bound to node:module's createRequire. */
    const createRequireNames = new Set(['createRequire']);
    const isCreateRequire = (callee) =>
      (callee.type === 'Identifier' && createRequireNames.has(callee.name)) ||
      (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'createRequire');

    return {
      ImportDeclaration(node) {
        if (node.source.value === 'module' || node.source.value === 'node:module') {
          for (const spec of node.specifiers) if (spec.type === 'ImportSpecifier' && (spec.imported.name ?? spec.imported.value) === 'createRequire') createRequireNames.add(spec.local.name);
        }
        check(node.source, node.importKind === 'type');
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node.source, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node.source, node.exportKind === 'type');
      },
      ImportExpression(node) {
        check(node.source, false, node);
      },
      TSImportType(node) {
        const source = node.source ?? node.argument?.literal ?? node.argument;
        check(source, true, node);
      },
      TSExternalModuleReference(node) {
        check(node.expression, node.parent?.importKind === 'type', node);
      },
      CallExpression(node) {
        const { callee } = node;
        // require('x')
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        // createRequire(import.meta.url)('x')
        const isMadeRequire = callee.type === 'CallExpression' && isCreateRequire(callee.callee);
        if (isRequire || isMadeRequire) {
          check(node.arguments[0], false, node);
          return;
        }
        // const load = createRequire(import.meta.url); ... load('x')
        if (isCreateRequire(callee) && node.parent?.type === 'VariableDeclarator' && node.parent.init === node && node.parent.id.type === 'Identifier') {
          const [variable] = context.sourceCode.getDeclaredVariables(node.parent);
          for (const reference of variable?.references ?? []) {
            const call = reference.identifier.parent;
            if (call?.type === 'CallExpression' && call.callee === reference.identifier && call.arguments[0]) {
              // `require` itself is already checked above.
              if (reference.identifier.name !== 'require') check(call.arguments[0], false, call);
            }
          }
        }
      },
    };
  },
};

export default {
  meta: { name: 'layers' },
  rules: { imports: importsRule },
};
