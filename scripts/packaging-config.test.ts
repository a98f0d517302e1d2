import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, matchesGlob } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { targets } from './build.mjs';

// The desktop app's packaging (issue 15, point 1). electron-builder cannot run
// here (it downloads Electron), so this loads electron-builder.yml the way
// electron-builder does and validates it with electron-builder's own schema
// check, then checks what Hoist needs of it: the built bundles are in the
// package, better-sqlite3 is outside the asar, the .deb has a maintainer.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

// electron-builder's config loader and validator live in app-builder-lib, which
// electron-builder pins to its own version: resolve it from there.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const configModule = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, debug: unknown): Promise<void>;
};
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const validate = (config: unknown) => configModule.validateConfiguration(config, new DebugLogger(false));

interface BuilderConfig {
  /** As electron-builder normalises it: plain patterns, or file sets with a filter. */
  files: Array<string | { filter?: string[] }>;
  asar?: boolean;
  asarUnpack: string[];
  extraMetadata: { main: string };
  npmRebuild: boolean;
  linux: { target: string[]; maintainer?: string };
  electronFuses: Record<string, boolean>;
}

/** What electron-builder's file filter keeps: matched by a pattern and not excluded by a later '!' pattern. */
function packaged(files: BuilderConfig['files'], path: string): boolean {
  let kept = false;
  for (const pattern of files.flatMap((entry) => (typeof entry === 'string' ? [entry] : (entry.filter ?? [])))) {
    if (pattern.startsWith('!')) {
      if (matchesGlob(path, pattern.slice(1))) kept = false;
    } else if (matchesGlob(path, pattern)) kept = true;
  }
  return kept;
}

// Compiling electron-builder's schema takes a couple of seconds, more on a busy machine.
const SCHEMA_TIMEOUT_MS = 60_000;

let config: BuilderConfig;
beforeAll(async () => {
  config = (await configModule.getConfig(root, 'electron-builder.yml', null)) as unknown as BuilderConfig;
}, SCHEMA_TIMEOUT_MS);

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation, which does refuse a wrong key', async () => {
    await expect(validate(structuredClone(config))).resolves.toBeUndefined();
    await expect(validate({ ...structuredClone(config), linux: { ...config.linux, maintaner: 'typo' } })).rejects.toThrow(/configuration\.linux/);
  }, SCHEMA_TIMEOUT_MS);

  it('packages the Electron bundles, the renderer and the icons the shell loads, and nothing else under dist/', () => {
    const wanted = [
      targets.electron.outfile,
      targets.preload.outfile,
      'dist/renderer/index.html',
      'dist/renderer/assets/index-abc123.js',
      'assets/icon.png',
      'assets/tray-idle.png',
      'assets/tray-uploading.png',
      'assets/tray-paused.png',
      'assets/tray-attention.png',
      'package.json',
    ];
    for (const path of wanted) expect(packaged(config.files, path), path).toBe(true);
    for (const path of [`${targets.electron.outfile}.map`, targets.cli.outfile, targets.headless.outfile, 'main/shell/main.ts', 'state.sqlite3']) {
      expect(packaged(config.files, path), path).toBe(false);
    }
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(pkg.main).toBe(targets.electron.outfile);
  });

  it('puts the app in an asar archive with the native better-sqlite3 unpacked beside it, its Node-API binary as shipped', () => {
    expect(config.asar ?? true).toBe(true);
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    // The binary Node and Electron both load (Node-API), for every platform packaged.
    const sqlite = JSON.parse(readFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { gypfile?: boolean };
    expect(sqlite.gypfile).toBe(false);
    for (const platform of ['linux-x64', 'linux-arm64', 'darwin-arm64', 'darwin-x64', 'win32-x64']) {
      const addon = `node_modules/better-sqlite3/prebuilds/${platform}.node`;
      expect(existsSync(join(root, addon)), addon).toBe(true);
      expect(config.asarUnpack.some((pattern) => matchesGlob(addon, pattern)), addon).toBe(true);
    }
    // A rebuild would compile it against Electron's headers, downloaded: not needed, so not done.
    expect(config.npmRebuild).toBe(false);
  });

  it('builds AppImage and .deb on Linux, the .deb with a maintainer and email', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.linux.maintainer).toMatch(/^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>$/);
  });

  it('flips the fuses that keep the packaged app from running arbitrary code', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

describe('package.json', () => {
  it('pins electron-builder, @electron/rebuild and electron exactly, and `npm run dist` runs the pinned builder, never npx', () => {
    for (const name of ['electron-builder', '@electron/rebuild', 'electron']) {
      expect(pkg.devDependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/);
      const installed = (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      expect(installed, `${name} installed`).toBe(pkg.devDependencies[name]);
    }
    expect(pkg.scripts.dist).toMatch(/&& electron-builder$/);
    // Offline installs: electron's script downloads Electron; better-sqlite3's runs node-gyp,
    // which downloads Node's headers to build nothing (its binaries ship in the package).
    expect(pkg.allowScripts).toMatchObject({ electron: false, 'better-sqlite3': false });
    for (const script of Object.values(pkg.scripts)) expect(script).not.toMatch(/\bnpx\b/);
  });
});
