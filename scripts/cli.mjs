#!/usr/bin/env node
// `npm run cli -- <command>`: builds the CLI bundle when a source is newer, then runs it.
import { buildTarget, isStale, targets } from './build.mjs';
import { requireNode } from './require-node.mjs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
requireNode();
if (isStale('cli')) await buildTarget('cli');
await import(pathToFileURL(join(root, targets.cli.outfile)).href);
