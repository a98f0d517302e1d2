import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layers are enforced by lint: these probes must be refused where they
// break a layer and accepted where they do not. Linted as text under the
// paths they would have; nothing is written to disk.
const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layer rules', () => {
  it('only main/shell may import electron', async () => {
    const code = "import { app } from 'electron';\nexport const used = app;\n";
    expect(await restrictedImports('main/engine/probe.ts', code)).toHaveLength(1);
    expect(await restrictedImports('main/store/probe.ts', code)).toHaveLength(1);
    expect(await restrictedImports('main/app/probe.ts', code)).toHaveLength(1);
    expect(await restrictedImports('main/shell/probe.ts', code)).toEqual([]);
  });

  it('shared/ imports no Node built-ins and no Electron, but may import itself', async () => {
    expect(await restrictedImports('shared/domain/probe.ts', "import { join } from 'node:path';\nexport const used = join;\n")).not.toEqual([]);
    expect(await restrictedImports('shared/domain/probe.ts', "import { readFileSync } from 'fs';\nexport const used = readFileSync;\n")).not.toEqual([]);
    expect(await restrictedImports('shared/probe.ts', "import { app } from 'electron';\nexport const used = app;\n")).not.toEqual([]);
    expect(await restrictedImports('shared/probe.ts', "import { formatBytes } from './domain/units.ts';\nexport const used = formatBytes;\n")).toEqual([]);
  });

  it('the renderer never imports main/ or preload/, nor Node', async () => {
    expect(await restrictedImports('renderer/src/probe.ts', "import { openHoistApp } from '../../main/app/open-app.ts';\nexport const used = openHoistApp;\n")).not.toEqual([]);
    expect(await restrictedImports('renderer/src/probe.ts', "import { buildBridgeApi } from '../../preload/bridge-api.ts';\nexport const used = buildBridgeApi;\n")).not.toEqual([]);
    expect(await restrictedImports('renderer/src/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const used = readFile;\n")).not.toEqual([]);
    expect(await restrictedImports('renderer/src/probe.ts', "import { formatBytes } from '../../shared/domain/units.ts';\nexport const used = formatBytes;\n")).toEqual([]);
  });
});
