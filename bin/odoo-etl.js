#!/usr/bin/env node
// Installed from the package: runs the compiled commands of dist/, which oclif.manifest.json lists, so
// `--version` and `--help` load no command and no TypeScript compiler.
// In a checkout (the TypeScript sources are here): runs the sources through tsx, so `npm ci` is the only
// set-up step and an edit needs no rebuild; a manifest or dist/ left by `npm pack` is ignored.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const fromSources = fs.existsSync(path.join(root, 'src', 'index.ts'));

if (fromSources) {
  const tsx = await import('tsx/esm/api').catch(() => {
    console.error('odoo-etl: this checkout runs its TypeScript sources through tsx, a development dependency: run `npm ci` (without --omit=dev), or install the package built by `npm pack`');
    process.exit(1);
  });
  tsx.register();
  const { execute, Plugin } = await import('@oclif/core');
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, pjson: { ...pjson, oclif: { ...pjson.oclif, commands: './cli/commands' } } });
  await plugin.load();
  await execute({ loadOptions: { root, plugins: new Map([[plugin.name, plugin]]) } });
} else {
  // The execute entry alone: the rest of @oclif/core's index is for writing commands, not for starting.
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
