import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layers are enforced by lint (eslint.config.js, scripts/eslint-layers.js):
// these probes must be refused where they break a layer and accepted where they
// do not. Linted as text under the paths they would have; nothing is written to disk.
const eslint = new ESLint();

type Probe = readonly [filePath: string, code: string];

/** The layer rules that refuse something in `code` at `filePath`, one entry per refusal. */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'layers/imports')
    .map((message) => /^Layer rule "([^"]+)"/.exec(message.message)?.[1] ?? message.message);
}

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'layers/imports').map((message) => message.message);
}

describe('layer rules: main/engine is host-neutral', () => {
  const engine = 'main/engine/probe.ts';
  const refused: Probe[] = [
    // Other folders of main/.
    [engine, "import { openStateStore } from '../store/sqlite-state.ts';\nexport const used = openStateStore;\n"],
    [engine, "import { S3ObjectStore } from '../s3/s3-object-store.ts';\nexport const used = S3ObjectStore;\n"],
    [engine, "import { fileSource } from '../source/file-source.ts';\nexport const used = fileSource;\n"],
    [engine, "import { openHoistApp } from '../app/open-app.ts';\nexport const used = openHoistApp;\n"],
    [engine, "import { systemClock } from '../platform/system-clock.ts';\nexport const used = systemClock;\n"],
    [engine, "import { main } from '../cli/index.ts';\nexport const used = main;\n"],
    [engine, "import { serve } from '../headless/index.ts';\nexport const used = serve;\n"],
    [engine, "import { host } from '../shell/host.ts';\nexport const used = host;\n"],
    [engine, "import { services } from '../services.ts';\nexport const used = services;\n"],
    // From a subfolder of the engine too.
    ['main/engine/sending/probe.ts', "import { openStateStore } from '../../store/sqlite-state.ts';\nexport const used = openStateStore;\n"],
    // Node built-ins other than node:crypto, with and without the prefix.
    [engine, "import { readFile } from 'node:fs/promises';\nexport const used = readFile;\n"],
    [engine, "import { readFileSync } from 'fs';\nexport const used = readFileSync;\n"],
    [engine, "import { Worker } from 'node:worker_threads';\nexport const used = Worker;\n"],
    [engine, "import { setTimeout } from 'node:timers/promises';\nexport const used = setTimeout;\n"],
    [engine, "import { join } from 'path';\nexport const used = join;\n"],
    // npm packages.
    [engine, "import { z } from 'zod';\nexport const used = z;\n"],
    // Every way of naming a module.
    [engine, "import type { StateStore } from '../store/sqlite-state.ts';\nexport type Used = StateStore;\n"],
    [engine, "export type Used = import('../s3/s3-object-store.ts').S3ObjectStore;\n"],
    [engine, "export * from '../store/x.ts';\n"],
    [engine, "export { openStateStore } from '../store/sqlite-state.ts';\n"],
    [engine, "export type { StateStore } from '../store/sqlite-state.ts';\n"],
    [engine, "export const load = () => import('node:fs');\n"],
    [engine, "export const fs = require('node:fs');\n"],
    [engine, "import { createRequire } from 'node:module';\nexport const zod = createRequire(import.meta.url)('zod');\n"],
  ];

  it.each(refused)('%s refuses %j', async (filePath, code) => {
    const found = await refusals(filePath, code);
    expect(found).not.toEqual([]);
    expect(new Set(found)).toEqual(new Set(['engine-host-neutral']));
  });

  it('refuses a require made by createRequire, also when kept in a variable and renamed', async () => {
    const code = "import { createRequire as makeRequire } from 'node:module';\nconst load = makeRequire(import.meta.url);\nexport const store = load('../store/sqlite-state.ts');\n";
    // node:module itself, and what the made require loads.
    expect(await messages(engine, code)).toEqual([expect.stringContaining("'node:module'"), expect.stringContaining("'../store/sqlite-state.ts'")]);
  });

  it('refuses electron twice over: the engine rule and the electron rule', async () => {
    expect((await refusals(engine, "export const electron = import('electron');\n")).sort()).toEqual(['electron-only-in-shell', 'engine-host-neutral']);
    expect((await refusals(engine, "import { createRequire } from 'node:module';\nexport const electron = createRequire(import.meta.url)('electron');\n")).sort()).toEqual([
      'electron-only-in-shell',
      'engine-host-neutral',
      'engine-host-neutral',
    ]);
  });

  it('refuses a module name computed at run time', async () => {
    expect(await messages(engine, "export const load = (name: string) => import(name);\n")).toEqual([expect.stringMatching(/engine-host-neutral.*string literal/)]);
  });

  it('says which rule and why', async () => {
    const [message] = await messages(engine, "import { readFileSync } from 'node:fs';\nexport const used = readFileSync;\n");
    expect(message).toMatch(/^Layer rule "engine-host-neutral" refuses 'node:fs': main\/engine\/ imports only main\/engine\/, shared\/ and node:crypto, so .+\.$/);
  });

  it.each<Probe>([
    [engine, "import { planParts } from './part-plan.ts';\nexport const used = planParts;\n"],
    [engine, "import type { Clock } from './ports.ts';\nexport type Used = Clock;\n"],
    ['main/engine/sending/probe.ts', "import type { Clock } from '../ports.ts';\nexport type Used = Clock;\n"],
    [engine, "import { formatBytes } from '../../shared/domain/units.ts';\nexport const used = formatBytes;\n"],
    [engine, "export * from '../../shared/domain/etag.ts';\n"],
    [engine, "import { createHash } from 'node:crypto';\nexport const used = createHash;\n"],
    [engine, "import { createHash } from 'crypto';\nexport const used = createHash;\n"],
    [engine, "export const load = () => import('./part-plan.ts');\n"],
    // Tests and main/engine/testing/ compose the engine with real adapters.
    ['main/engine/probe.test.ts', "import { openStateStore } from '../store/sqlite-state.ts';\nimport { readFileSync } from 'node:fs';\nexport const used = [openStateStore, readFileSync];\n"],
    ['main/engine/upload-engine.probe.test.ts', "import { S3ObjectStore } from '../s3/s3-object-store.ts';\nexport const used = S3ObjectStore;\n"],
    ['main/engine/testing/probe.ts', "import { openStateStore } from '../../store/sqlite-state.ts';\nimport { Worker } from 'node:worker_threads';\nexport const used = [openStateStore, Worker];\n"],
  ])('%s may import %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual([]);
  });

  it('still refuses electron in engine tests', async () => {
    expect(await refusals('main/engine/probe.test.ts', "import { app } from 'electron';\nexport const used = app;\n")).toEqual(['electron-only-in-shell']);
  });
});

describe('layer rules: main/store, main/s3 and main/source are separate adapters', () => {
  const adapters = [
    ['store', 'store-adapter-alone'],
    ['s3', 's3-adapter-alone'],
    ['source', 'source-adapter-alone'],
  ] as const;
  for (const [folder, rule] of adapters) {
    const probe = `main/${folder}/probe.ts`;
    const others = ['store', 's3', 'source', 'app', 'cli', 'headless', 'shell', 'platform'].filter((other) => other !== folder);
    it.each(others)(`main/${folder} refuses main/%s`, async (other) => {
      expect(await refusals(probe, `import { x } from '../${other}/x.ts';\nexport const used = x;\n`)).toEqual([rule]);
      expect(await refusals(probe, `import type { X } from '../${other}/x.ts';\nexport type Used = X;\n`)).toEqual([rule]);
      expect(await refusals(probe, `export * from '../${other}/x.ts';\n`)).toEqual([rule]);
      expect(await refusals(probe, `export const load = () => import('../${other}/x.ts');\n`)).toEqual([rule]);
    });
    it(`main/${folder} may import the engine, shared/, Node and npm packages`, async () => {
      const code = [
        "import type { StateStore } from '../engine/ports.ts';",
        "import { formatBytes } from '../../shared/domain/units.ts';",
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'path';",
        "import Database from 'better-sqlite3';",
        "import { S3Client } from '@aws-sdk/client-s3';",
        'export type Used = StateStore;',
        'export const used = [formatBytes, readFileSync, join, Database, S3Client];',
        '',
      ].join('\n');
      expect(await refusals(probe, code)).toEqual([]);
      expect(await refusals(`main/${folder}/deeper/probe.test.ts`, "import { x } from '../../engine/testing/x.ts';\nexport const used = x;\n")).toEqual([]);
    });
  }
  it('refuses electron in the adapters', async () => {
    expect(await refusals('main/store/probe.ts', "import { safeStorage } from 'electron';\nexport const used = safeStorage;\n")).toEqual(['electron-only-in-shell']);
  });
});

describe('layer rules: main/platform adapts the platform, nothing more', () => {
  it.each(['store', 's3', 'source', 'app', 'cli', 'headless', 'shell'])('refuses main/%s', async (other) => {
    expect(await refusals('main/platform/probe.ts', `import { x } from '../${other}/x.ts';\nexport const used = x;\n`)).toEqual(['platform-adapter-alone']);
  });
  it('may import the engine, shared/ and Node', async () => {
    const code = [
      "import type { Clock } from '../engine/ports.ts';",
      "import { formatBytes } from '../../shared/domain/units.ts';",
      "import { Worker } from 'node:worker_threads';",
      "import { setTimeout } from 'node:timers/promises';",
      'export type Used = Clock;',
      'export const used = [formatBytes, Worker, setTimeout];',
      '',
    ].join('\n');
    expect(await refusals('main/platform/probe.ts', code)).toEqual([]);
  });
});

describe('layer rules: main/app sits below the hosts', () => {
  it.each(['shell', 'headless', 'cli'])('refuses main/%s', async (host) => {
    expect(await refusals('main/app/probe.ts', `import { x } from '../${host}/x.ts';\nexport const used = x;\n`)).toEqual(['app-below-hosts']);
    expect(await refusals('main/app/probe.ts', `import type { X } from '../${host}/x.ts';\nexport type Used = X;\n`)).toEqual(['app-below-hosts']);
  });
  it('may import the engine, the adapters, the platform, shared/ and Node', async () => {
    const code = [
      "import { a } from '../engine/upload-engine.ts';",
      "import { b } from '../store/sqlite-state.ts';",
      "import { c } from '../s3/s3-object-store.ts';",
      "import { d } from '../source/file-source.ts';",
      "import { e } from '../platform/system-clock.ts';",
      "import { f } from '../../shared/ipc-contract.ts';",
      "import { readFileSync } from 'node:fs';",
      'export const used = [a, b, c, d, e, f, readFileSync];',
      '',
    ].join('\n');
    expect(await refusals('main/app/probe.ts', code)).toEqual([]);
  });
});

describe('layer rules: only main/shell and preload/ import electron', () => {
  it.each<Probe>([
    ['main/app/probe.ts', "import { app } from 'electron';\nexport const used = app;\n"],
    ['main/app/probe.ts', "import type { BrowserWindow } from 'electron';\nexport type Used = BrowserWindow;\n"],
    ['main/app/probe.ts', "import { ipcMain } from 'electron/main';\nexport const used = ipcMain;\n"],
    ['main/headless/probe.ts', "export const electron = import('electron');\n"],
    ['main/cli/probe.ts', "export const electron = require('electron');\n"],
    ['main/store/probe.ts', "import { createRequire } from 'node:module';\nexport const electron = createRequire(import.meta.url)('electron');\n"],
    ['main/probe.ts', "import { app } from 'electron';\nexport const used = app;\n"],
  ])('%s refuses %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual(['electron-only-in-shell']);
  });
  it.each<Probe>([
    ['main/shell/probe.ts', "import { app } from 'electron';\nexport const used = app;\n"],
    ['main/shell/probe.ts', "export const electron = import('electron');\n"],
    ['preload/probe.ts', "import { contextBridge } from 'electron';\nexport const used = contextBridge;\n"],
  ])('%s may import %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual([]);
  });
});

describe('layer rules: shared/ is pure', () => {
  it.each<Probe>([
    ['shared/domain/probe.ts', "import { join } from 'node:path';\nexport const used = join;\n"],
    ['shared/domain/probe.ts', "import { readFileSync } from 'fs';\nexport const used = readFileSync;\n"],
    ['shared/probe.ts', "export const fs = require('node:fs');\n"],
    ['shared/probe.ts', "export const fs = import('node:fs');\n"],
    ['shared/probe.ts', "import { openHoistApp } from '../main/app/open-app.ts';\nexport const used = openHoistApp;\n"],
    ['shared/probe.ts', "import type { HoistBridge } from '../preload/bridge-api.ts';\nexport type Used = HoistBridge;\n"],
    ['shared/domain/probe.ts', "export * from '../../renderer/src/store.ts';\n"],
  ])('%s refuses %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual(['shared-pure']);
  });
  it('refuses electron', async () => {
    expect((await refusals('shared/probe.ts', "import { app } from 'electron';\nexport const used = app;\n")).sort()).toEqual(['electron-only-in-shell', 'shared-pure']);
  });
  it.each<Probe>([
    ['shared/probe.ts', "import { formatBytes } from './domain/units.ts';\nexport const used = formatBytes;\n"],
    ['shared/probe.ts', "import { z } from 'zod';\nexport const used = z;\n"],
  ])('%s may import %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual([]);
  });
});

describe('layer rules: the renderer reaches main only through the preload API', () => {
  it.each<Probe>([
    ['renderer/src/probe.ts', "import { openHoistApp } from '../../main/app/open-app.ts';\nexport const used = openHoistApp;\n"],
    ['renderer/src/probe.ts', "import { createBridgeApi } from '../../preload/bridge-api.ts';\nexport const used = createBridgeApi;\n"],
    ['renderer/src/probe.tsx', "import type { StateStore } from '../../main/engine/ports.ts';\nexport type Used = StateStore;\n"],
    ['renderer/src/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const used = readFile;\n"],
    ['renderer/src/probe.ts', "export const fs = import('fs');\n"],
  ])('%s refuses %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual(['renderer-through-preload']);
  });
  it('refuses electron', async () => {
    expect((await refusals('renderer/src/probe.ts', "import { ipcRenderer } from 'electron';\nexport const used = ipcRenderer;\n")).sort()).toEqual(['electron-only-in-shell', 'renderer-through-preload']);
  });
  it('may import shared/ and npm packages', async () => {
    expect(await refusals('renderer/src/probe.ts', "import { formatBytes } from '../../shared/domain/units.ts';\nimport { create } from 'zustand';\nexport const used = [formatBytes, create];\n")).toEqual([]);
  });
});

describe('layer rules: the preload stays small', () => {
  it.each<Probe>([
    ['preload/probe.ts', "import { requests } from '../shared/ipc-contract.ts';\nexport const used = requests;\n"],
    ['preload/probe.ts', "import { z } from 'zod';\nexport const used = z;\n"],
    ['preload/probe.ts', "export { isRequestName } from '../shared/ipc-contract.ts';\n"],
    ['preload/probe.ts', "import { openHoistApp } from '../main/app/open-app.ts';\nexport const used = openHoistApp;\n"],
    ['preload/probe.ts', "import { readFileSync } from 'node:fs';\nexport const used = readFileSync;\n"],
  ])('%s refuses %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual(['preload-small']);
  });
  it.each<Probe>([
    ['preload/probe.ts', "import { isRequestName } from '../shared/ipc-channels.ts';\nexport const used = isRequestName;\n"],
    ['preload/probe.ts', "import type { HoistBridge } from '../shared/ipc-contract.ts';\nexport type Used = HoistBridge;\n"],
    ['preload/probe.ts', "export type { HoistBridge } from '../shared/ipc-contract.ts';\n"],
    ['preload/probe.ts', "import { createBridgeApi } from './bridge-api.ts';\nexport const used = createBridgeApi;\n"],
    ['preload/probe.test.ts', "import { requests } from '../shared/ipc-contract.ts';\nexport const used = requests;\n"],
  ])('%s may import %j', async (filePath, code) => {
    expect(await refusals(filePath, code)).toEqual([]);
  });
});
