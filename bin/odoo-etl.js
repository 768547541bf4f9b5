#!/usr/bin/env node
// Installed from the package: runs the compiled commands of dist/, which oclif.manifest.json lists, so
// `--version` and `--help` load no command and no TypeScript compiler.
// In a checkout (the TypeScript sources are here): runs the sources through tsx, so `npm ci` is the only
// set-up step and an edit needs no rebuild; a manifest or dist/ left by `npm pack` is ignored.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heapLimitMb, heapLimitSet } from './heap-limit.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const fromSources = fs.existsSync(path.join(root, 'src', 'index.ts'));
const longRunning = ['sync', 'worker'].includes(process.argv[2] ?? '');

if (longRunning && !heapLimitSet()) {
  // `sync` and `worker` bound their own memory (see heap-limit.js): Node takes the cap only at start-up, so
  // the command runs again in a child with it. Signals are passed on (the command's handler ignores the copy
  // a terminal or systemd also sends it directly: src/worker/signals.ts) and its exit code or signal is ours.
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${heapLimitMb(process.env, process.argv)}`, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ODOO_ETL_CAPPED_BY: String(process.pid) },
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`odoo-etl: could not start: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of signals) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  if (process.env.ODOO_ETL_CAPPED_BY && process.channel) {
    // The capped child of the command above: it dies with its parent, even one killed by SIGKILL, whose
    // signal it cannot pass on (a supervisor or a test killing the pid it started kills the command).
    delete process.env.ODOO_ETL_CAPPED_BY;
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  }
  await start();
}

/** Runs the command (see the top of this file). */
async function start() {
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
}
