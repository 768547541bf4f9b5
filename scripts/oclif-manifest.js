#!/usr/bin/env node
// Writes oclif.manifest.json for the package (run by `npm pack` after the build): the commands of
// dist/cli/commands with their flags and descriptions, so the installed CLI answers `--version` and
// `--help` without importing any command. `node scripts/oclif-manifest.js --remove` deletes it again
// (after packing), so a checkout never runs from a stale manifest.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const file = path.join(root, 'oclif.manifest.json');

if (process.argv.includes('--remove')) {
  fs.rmSync(file, { force: true });
} else {
  const plugin = new Plugin({ root, isRoot: true, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  const { commands } = plugin.manifest;
  if (Object.keys(commands).length === 0) throw new Error(`no commands found under ${plugin.pjson.oclif.commands}: build first`);
  fs.writeFileSync(file, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
  console.log(`oclif.manifest.json: ${Object.keys(commands).join(', ')}`);
}
