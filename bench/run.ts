/**
 * `npm run bench [-- flags]`: the benchmark suite. Starts its own PostgreSQL (as the tests do) and the Odoo
 * simulator in a child process, runs the chosen cases, prints a table and writes the same figures as JSON
 * (bench/results/latest.json). These machines are noisy: every figure is a ratio of two things measured in
 * the same run; absolute times are there for reference only.
 *
 *   --case load|full|incremental|memory|xmlrpc|webhook|realcost   (repeatable or comma-separated; default: all)
 *   --rows 100000        rows of the load case
 *   --webhook-rows 10000 records of the webhook case's burst (one bulk write)
 *   --batch 2000         batch size (the BATCH_SIZE setting) for every case
 *   --odoo 19.0,17.0     simulator versions of the full sync: 19 is read over JSON-2, 16–18 over XML-RPC
 *   --scale 300          simulator scale over JSON-2 (300 ≈ 300k sales lines, 1000 ≈ 1M), full and memory cases
 *   --xmlrpc-scale 50    simulator scale over XML-RPC
 *   --latency 10,50      simulator latency per call (ms) of the full sync
 *   --small-scale 50     the smaller dataset of the memory case (it also runs --scale)
 *   --inc-scale 100      dataset of the incremental cases
 *   --xmlrpc-read-scale 10  dataset of the xmlrpc case (≈ 6k sales lines at 10), read side by side with Python
 *   --xmlrpc-rounds 3    rounds of the xmlrpc case (the median round counts)
 *   --concurrency 4      FULL_SYNC_CONCURRENCY: id ranges a large source is split into during a full sync
 *   --workers 4          WORKER_CONCURRENCY (jobs at once)
 *   --odoo-workers 8     calls the simulator serves at once in the full and memory cases, the rest queued, as a
 *                        multi-worker Odoo (`--workers 8`) does; 0 = no limit
 *   --real-scale 20      dataset of the realcost case (JSON-2, Odoo 19)
 *   --call-ms 5          realcost: the simulator's fixed cost per call (ms)
 *   --record-us 100      realcost: the simulator's cost per record of an answer (µs); it serves one call at a time
 *   --out path           where the JSON goes (default bench/results/latest.json)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchPostgres } from './support/database.ts';
import type { Figure } from './support/measure.ts';
import { printTable } from './support/table.ts';
import { loadCase } from './cases/load.ts';
import { fullSyncCase, memoryCase, type SimVersion } from './cases/full-sync.ts';
import { incrementalCase } from './cases/incremental.ts';
import { xmlrpcCase } from './cases/xmlrpc.ts';
import { webhookCase } from './cases/webhook.ts';
import { realCostCase } from './cases/real-cost.ts';

const CASES = ['load', 'full', 'incremental', 'memory', 'xmlrpc', 'webhook', 'realcost'] as const;
type CaseName = (typeof CASES)[number];

const { values: flags } = parseArgs({
  options: {
    case: { type: 'string', multiple: true },
    rows: { type: 'string', default: '100000' },
    'webhook-rows': { type: 'string', default: '10000' },
    batch: { type: 'string', default: '2000' },
    odoo: { type: 'string', default: '19.0,17.0' },
    scale: { type: 'string', default: '300' },
    'xmlrpc-scale': { type: 'string', default: '50' },
    latency: { type: 'string', default: '10,50' },
    'small-scale': { type: 'string', default: '50' },
    'inc-scale': { type: 'string', default: '100' },
    'xmlrpc-read-scale': { type: 'string', default: '10' },
    'xmlrpc-rounds': { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    workers: { type: 'string', default: '4' },
    'odoo-workers': { type: 'string', default: '8' },
    'real-scale': { type: 'string', default: '20' },
    'call-ms': { type: 'string', default: '5' },
    'record-us': { type: 'string', default: '100' },
    out: { type: 'string', default: fileURLToPath(new URL('./results/latest.json', import.meta.url)) },
  },
});

const positive = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
};
const cases = (flags.case ?? [...CASES]).flatMap((c) => c.split(',')).map((c) => c.trim()) as CaseName[];
for (const c of cases) if (!CASES.includes(c)) throw new Error(`unknown --case ${c}; cases: ${CASES.join(', ')}`);
const batchSize = positive('batch', flags.batch);
const versions = flags.odoo.split(',').map((v) => v.trim()) as SimVersion[];
for (const v of versions) if (!['16.0', '17.0', '18.0', '19.0'].includes(v)) throw new Error(`--odoo ${v}: one of 16.0, 17.0, 18.0, 19.0`);
const settings = { batchSize, fullSyncConcurrency: positive('concurrency', flags.concurrency), workers: positive('workers', flags.workers) };
const odooWorkers = Number(flags['odoo-workers']);
if (!Number.isInteger(odooWorkers) || odooWorkers < 0) throw new Error(`--odoo-workers must be a whole number ≥ 0, got ${flags['odoo-workers']}`);

const machine = {
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGb: Math.round(os.totalmem() / 1e9),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
};
const started = new Date();
console.log(`odoo-etl benchmarks on ${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}`);
const postgres = await startBenchPostgres();
console.log(`PostgreSQL ${postgres.serverVersion} (${postgres.kind})`);
const figures: Figure[] = [];
try {
  for (const name of cases) {
    console.log(`\n— ${name}`);
    if (name === 'load') figures.push(...(await loadCase(postgres, { rows: positive('rows', flags.rows), batchSize })));
    if (name === 'full') {
      const latencies = flags.latency.split(',').map((l) => positive('latency', l));
      for (const version of versions) {
        const scale = version === '19.0' ? positive('scale', flags.scale) : positive('xmlrpc-scale', flags['xmlrpc-scale']);
        figures.push(...(await fullSyncCase(postgres, { version, scale, latencies, odooWorkers, ...settings })));
      }
    }
    if (name === 'incremental') figures.push(...(await incrementalCase(postgres, { version: versions[0]!, scale: positive('inc-scale', flags['inc-scale']), ...settings })));
    if (name === 'memory') {
      const scales = [positive('small-scale', flags['small-scale']), positive('scale', flags.scale)];
      figures.push(...(await memoryCase(postgres, { version: '19.0', scales, odooWorkers, ...settings })));
    }
    if (name === 'xmlrpc') {
      figures.push(...(await xmlrpcCase({ scale: positive('xmlrpc-read-scale', flags['xmlrpc-read-scale']), batchSize, rounds: positive('xmlrpc-rounds', flags['xmlrpc-rounds']) })));
    }
    if (name === 'webhook') figures.push(...(await webhookCase(postgres, { rows: positive('webhook-rows', flags['webhook-rows']), ...settings })));
    if (name === 'realcost') {
      const scale = positive('real-scale', flags['real-scale']);
      figures.push(...(await realCostCase(postgres, { scale, callMs: positive('call-ms', flags['call-ms']), recordUs: positive('record-us', flags['record-us']), ...settings })));
    }
    printTable(figures.filter((f) => f.case === name));
  }
} finally {
  await postgres.stop();
}

console.log('\nAll figures');
printTable(figures);
const result = { startedAt: started.toISOString(), seconds: Math.round((Date.now() - started.getTime()) / 1000), machine, postgres: { version: postgres.serverVersion, kind: postgres.kind }, flags, figures };
fs.mkdirSync(path.dirname(flags.out), { recursive: true });
fs.writeFileSync(flags.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwritten to ${path.relative(process.cwd(), flags.out)}`);
