/**
 * xmlrpc: reading over XML-RPC, side by side with Python's standard `xmlrpc.client` (its C expat parser is
 * what every Python connector gets), against the same simulator (Odoo 17, its own process, no latency).
 *
 * read: every sales line (`pos.order.line`, `sale.order.line`) with the fields, domain, context and
 *   batches the sync uses (keyset on id, `nextById`), by (a) this project's client, (b) `python3 -c` with
 *   `xmlrpc.client.ServerProxy`, (c) for reference the `xmlrpc` package's own client, whose sax reader the
 *   project used before. After one untimed read, rounds alternate the order; each figure is the median round. Both wall time and the
 *   client's own CPU time are given: the simulator's time to write the answers is in the wall time of all.
 * decode: one recorded answer of `BATCH_SIZE` sales lines decoded again and again in memory: this project's
 *   decoder, the `xmlrpc` package's reader, and Python's `xmlrpc.client.loads` (no HTTP, no simulator).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import xmlrpc from 'xmlrpc';
import { serializeMethodCall } from 'xmlrpc/lib/serializer.js';
import { getEntity, planSource, seriesOf } from '../../src/entities/index.ts';
import { createOdooClient, type Domain, type OdooContext } from '../../src/odoo/index.ts';
import { nextById } from '../../src/odoo/keyset-step.ts';
import { decodeMethodResponse } from '../../src/odoo/xmlrpc-decode.ts';
import { round, type Figure } from '../support/measure.ts';
import { startBenchSimulator, type BenchSimulator } from '../support/sim.ts';

const run = promisify(execFile);

interface Source {
  model: string;
  domain: Domain;
  fields: string[];
}

interface Reading {
  records: number;
  calls: number;
  ms: number;
  cpuMs: number;
}

const PYTHON_READ = `
import json, sys, time, xmlrpc.client as x
spec = json.loads(sys.argv[1])
models = x.ServerProxy(spec['url'] + '/xmlrpc/2/object')
batch = spec['batch']
records = calls = 0
t0, c0 = time.perf_counter(), time.process_time()
for src in spec['sources']:
    after = 0
    while True:
        recs = models.execute_kw(spec['db'], spec['uid'], spec['password'], src['model'], 'search_read',
            [src['domain'] + [['id', '>', after]]],
            {'fields': src['fields'], 'order': 'id asc', 'limit': batch, 'context': spec['context']})
        calls += 1
        records += len(recs)
        if recs:
            after = recs[-1]['id']
        if len(recs) < batch:
            break
print(json.dumps({'records': records, 'calls': calls, 'ms': (time.perf_counter() - t0) * 1000, 'cpuMs': (time.process_time() - c0) * 1000}))
`;

const PYTHON_DECODE = `
import json, sys, time, xmlrpc.client as x
body = open(sys.argv[1], encoding='utf-8').read()
n = int(sys.argv[2])
x.loads(body)
c0 = time.process_time()
for _ in range(n):
    (value,), _m = x.loads(body)
print(json.dumps({'records': len(value), 'msPerAnswer': (time.process_time() - c0) * 1000 / n}))
`;

/** Fields, domain and context exactly as the sync plans them for the sales lines. */
async function plannedSources(sim: BenchSimulator): Promise<{ sources: Source[]; context: OdooContext; uid: number }> {
  const odoo = createOdooClient({ url: sim.url, db: sim.db, username: sim.login, password: sim.password, transport: 'xmlrpc' });
  try {
    const uid = await odoo.authenticate();
    const [user] = await odoo.read('res.users', [uid], ['company_ids'], { active_test: false });
    const context: OdooContext = { active_test: false, allowed_company_ids: user!.company_ids as number[] };
    const entity = getEntity('fact_sales_lines');
    const sources: Source[] = [];
    for (const source of entity.sources) {
      const planned = planSource(entity, source, seriesOf(sim.version), await odoo.fieldsGet(source.model));
      if (planned.status === 'skipped') continue;
      sources.push({ model: source.model, domain: (source.domain ?? []) as Domain, fields: [...new Set([...planned.plan.fields, 'id'])] });
    }
    return { sources, context, uid };
  } finally {
    odoo.close();
  }
}

async function readWithProjectClient(sim: BenchSimulator, sources: Source[], context: OdooContext, batchSize: number): Promise<Reading> {
  const odoo = createOdooClient({ url: sim.url, db: sim.db, username: sim.login, password: sim.password, transport: 'xmlrpc' });
  try {
    await odoo.authenticate();
    let records = 0;
    let calls = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const source of sources) {
      for (let after = 0; ; ) {
        const batch = await nextById(odoo, source.model, after, { domain: source.domain, fields: source.fields, batchSize, context });
        calls++;
        records += batch.records.length;
        after = batch.cursor;
        if (batch.done) break;
      }
    }
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { records, calls, ms, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    odoo.close();
  }
}

/** The `xmlrpc` package's own client (sax reader), as the transport used it before, with a keep-alive agent. */
async function readWithPackageClient(sim: BenchSimulator, uid: number, sources: Source[], context: OdooContext, batchSize: number): Promise<Reading> {
  const url = new URL(sim.url);
  const agent = new http.Agent({ keepAlive: true });
  const client = xmlrpc.createClient({ host: url.hostname, port: Number(url.port), path: '/xmlrpc/2/object', agent } as Parameters<typeof xmlrpc.createClient>[0]);
  const once = (params: unknown[]): Promise<Array<{ id: number }>> =>
    new Promise((resolve, reject) => client.methodCall('execute_kw', params, (err: unknown, value: unknown) => (err ? reject(err) : resolve(value as Array<{ id: number }>))));
  // Its reader takes seconds per answer here, longer than the simulator keeps an idle connection (5 s): the
  // next call can race the server's close ("socket hang up"). The project's client retries that; so does this.
  const call = (params: unknown[]): Promise<Array<{ id: number }>> =>
    once(params).catch((err: { code?: string }) => {
      if (err.code !== 'ECONNRESET') throw err;
      return once(params);
    });
  try {
    let records = 0;
    let calls = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const source of sources) {
      for (let after = 0; ; ) {
        const recs = await call([sim.db, uid, sim.password, source.model, 'search_read', [[...source.domain, ['id', '>', after]]], { fields: source.fields, order: 'id asc', limit: batchSize, context }]);
        calls++;
        records += recs.length;
        if (recs.length > 0) after = recs[recs.length - 1]!.id;
        if (recs.length < batchSize) break;
      }
    }
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { records, calls, ms, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    agent.destroy();
  }
}

async function readWithPython(sim: BenchSimulator, uid: number, sources: Source[], context: OdooContext, batchSize: number): Promise<Reading> {
  const spec = { url: sim.url, db: sim.db, uid, password: sim.password, sources, context, batch: batchSize };
  // async: a synchronous spawn would block this process, which is idle while Python reads
  const out = await run('python3', ['-c', PYTHON_READ, JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.stdout) as Reading;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The package's reader on its own (not exported by its main module).
const PackageDeserializer = createRequire(import.meta.url)('xmlrpc/lib/deserializer.js') as new () => {
  deserializeMethodResponse(stream: Readable, cb: (err: unknown, value: unknown) => void): void;
};

/** The package's reader, fed the way its client feeds it (a stream of the response). */
function packageDecode(body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    new PackageDeserializer().deserializeMethodResponse(Readable.from([Buffer.from(body, 'utf8')]), (err, value) => (err ? reject(err) : resolve(value)));
  });
}

async function timePerAnswer(n: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / n;
}

export async function xmlrpcCase(o: { scale: number; batchSize: number; rounds: number }): Promise<Figure[]> {
  const sim = await startBenchSimulator({ version: '17.0', scale: o.scale, seed: 1, latencyMs: 0 });
  try {
    console.log(`simulator 17.0 scale ${o.scale} ready in ${sim.readyMs} ms`);
    const { sources, context, uid } = await plannedSources(sim);
    const ours: Reading[] = [];
    const python: Reading[] = [];
    const before: Reading[] = [];
    const readers: Array<[string, Reading[], () => Promise<Reading>]> = [
      ['odoo-etl', ours, () => readWithProjectClient(sim, sources, context, o.batchSize)],
      ['python', python, () => readWithPython(sim, uid, sources, context, o.batchSize)],
      ['xmlrpc package', before, () => readWithPackageClient(sim, uid, sources, context, o.batchSize)],
    ];
    // untimed: the simulator's first answers are slower (its JIT, its caches), whoever reads first would pay
    await readWithProjectClient(sim, sources, context, o.batchSize);
    for (let round_ = 0; round_ < o.rounds; round_++) {
      for (let k = 0; k < readers.length; k++) {
        const [name, into, read] = readers[(round_ + k) % readers.length]!;
        const r = await read();
        into.push(r);
        console.log(`  round ${round_ + 1} ${name}: ${r.records} records, ${r.calls} calls, ${Math.round(r.ms)} ms, CPU ${Math.round(r.cpuMs)} ms`);
      }
    }
    const records = ours[0]!.records;
    for (const r of [...python, ...before]) if (r.records !== records) throw new Error(`readers disagree: ${r.records} records vs ${records}`);
    const perSec = (rs: Reading[]) => Math.round(records / (median(rs.map((r) => r.ms)) / 1000));
    const [oursRate, pythonRate, beforeRate] = [perSec(ours), perSec(python), perSec(before)];
    const cpu = (rs: Reading[]) => Math.round(median(rs.map((r) => r.cpuMs)));

    // decode only: one answer of batchSize lines, in memory
    const [first] = sources;
    const body = await rawAnswer(sim, uid, first!, context, o.batchSize);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-xmlrpc-')), 'answer.xml');
    fs.writeFileSync(file, body);
    const lines = (decodeMethodResponse(body) as { kind: 'value'; value: unknown[] }).value.length;
    const n = 20;
    const oursMs = await timePerAnswer(n, () => decodeMethodResponse(body));
    const beforeMs = await timePerAnswer(Math.max(3, Math.round(n / 5)), () => packageDecode(body));
    const py = JSON.parse((await run('python3', ['-c', PYTHON_DECODE, file, String(n)], { encoding: 'utf8' })).stdout) as { records: number; msPerAnswer: number };
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    if (py.records !== lines) throw new Error(`Python decoded ${py.records} lines, we ${lines}`);
    console.log(`  decode one answer of ${lines} lines (${Math.round(body.length / 1024)} KiB): odoo-etl ${round(oursMs, 1)} ms, xmlrpc package ${round(beforeMs, 1)} ms, Python ${round(py.msPerAnswer, 1)} ms (CPU)`);

    const batch = o.batchSize;
    return [
      {
        case: 'xmlrpc',
        name: 'XML-RPC read of sales lines, odoo-etl vs Python xmlrpc.client',
        ratio: round(oursRate / pythonRate),
        target: "≥ 1× Python's records/s",
        met: oursRate >= pythonRate,
        values: {
          records, calls: ours[0]!.calls, batch, rounds: o.rounds,
          oursRecordsPerSec: oursRate, pythonRecordsPerSec: pythonRate,
          oursMs: Math.round(median(ours.map((r) => r.ms))), pythonMs: Math.round(median(python.map((r) => r.ms))),
          oursCpuMs: cpu(ours), pythonCpuMs: cpu(python),
        },
        note: "wall time includes the simulator writing the answers; the CPU times are each client's own",
      },
      {
        case: 'xmlrpc',
        name: 'XML-RPC read of sales lines, client CPU, odoo-etl vs Python xmlrpc.client',
        ratio: round(cpu(python) / cpu(ours)),
        target: "≤ Python's CPU per record",
        met: cpu(ours) <= cpu(python),
        values: { records, oursCpuMs: cpu(ours), pythonCpuMs: cpu(python), beforeCpuMs: cpu(before) },
        note: 'ratio = Python CPU / ours: above 1 is cheaper than Python',
      },
      {
        case: 'xmlrpc',
        name: 'XML-RPC read of sales lines, xmlrpc package client (before) vs Python xmlrpc.client',
        ratio: round(beforeRate / pythonRate),
        values: { records, beforeRecordsPerSec: beforeRate, pythonRecordsPerSec: pythonRate, beforeMs: Math.round(median(before.map((r) => r.ms))), beforeCpuMs: cpu(before) },
        note: 'reference: the reader this project used before',
      },
      {
        case: 'xmlrpc',
        name: 'XML-RPC decode of one answer, odoo-etl vs Python xmlrpc.client.loads',
        ratio: round(py.msPerAnswer / oursMs),
        target: "≥ 1× Python's speed",
        met: oursMs <= py.msPerAnswer,
        values: {
          lines, kib: Math.round(body.length / 1024), oursMs: round(oursMs, 2), pythonMs: round(py.msPerAnswer, 2), beforeMs: round(beforeMs, 2),
          oursLinesPerSec: Math.round(lines / (oursMs / 1000)), pythonLinesPerSec: Math.round(lines / (py.msPerAnswer / 1000)), beforeLinesPerSec: Math.round(lines / (beforeMs / 1000)),
        },
        note: 'CPU time per answer, in memory; beforeMs is the xmlrpc package reader',
      },
    ];
  } finally {
    await sim.close();
  }
}

/** The raw bytes of the first batch of a source, as the simulator sends them. */
async function rawAnswer(sim: BenchSimulator, uid: number, source: Source, context: OdooContext, batchSize: number): Promise<string> {
  const body = serializeMethodCall('execute_kw', [sim.db, uid, sim.password, source.model, 'search_read', [[...source.domain, ['id', '>', 0]]], { fields: source.fields, order: 'id asc', limit: batchSize, context }]);
  const res = await fetch(`${sim.url}/xmlrpc/2/object`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
  if (!res.ok) throw new Error(`simulator answered HTTP ${res.status}`);
  return res.text();
}
