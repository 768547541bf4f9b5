// Refreshes the repository's copies of the recorded real-Odoo fixtures from a recordings folder (one
// `<version>/` per Odoo 16–19 server, as described in test/fixtures/odoo/README.md):
// - what the simulator needs, into `src/sim/fields/<version>/`: all `fields_get` answers (one minified file
//   per version), `version()`, the fault bodies (faultCode + faultString per case) and, for 19, the JSON-2
//   error bodies;
// - what only the tests replay, into `test/fixtures/odoo/<version>/`: samples, raw XML-RPC responses,
//   fault request/response bodies and the JSON-2 exchanges (nothing else, to keep the repository small).
// Run: `npx tsx src/sim/import-fixtures.ts <recordings folder>`
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINANCE_MODELS, STOCK_MOVE_MODELS } from './served-models.ts';

const VERSIONS = ['16.0', '17.0', '18.0', '19.0'] as const;
const here = path.dirname(fileURLToPath(import.meta.url));
const simRoot = path.join(here, 'fields');
const testRoot = path.resolve(here, '../../test/fixtures/odoo');

const recordings = process.argv[2];
if (!recordings || !fs.existsSync(path.join(recordings, '16.0'))) {
  console.error('usage: npx tsx src/sim/import-fixtures.ts <recordings folder holding 16.0/ … 19.0/>');
  process.exit(2);
}

function readJson(p: string): unknown {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

/** Copies the files of `from` whose name passes `keep` into `to` (emptied first, so removed cases go too). */
function copyFiles(from: string, to: string, keep: (file: string) => boolean): void {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from).sort()) if (keep(f)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

for (const v of VERSIONS) {
  const src = path.join(recordings, v);

  const out = path.join(simRoot, v);
  fs.mkdirSync(out, { recursive: true });
  // The finance models go to finance.json (served after the others, account.* only with the module).
  const models: Record<string, unknown> = {};
  const finance: Record<string, unknown> = {};
  const moves: Record<string, unknown> = {};
  const stockMoves = new Set<string>(STOCK_MOVE_MODELS);
  for (const f of fs.readdirSync(path.join(src, 'fields')).sort()) {
    const model = f.replace(/\.json$/, '');
    (model in FINANCE_MODELS ? finance : stockMoves.has(model) ? moves : models)[model] = readJson(path.join(src, 'fields', f));
  }
  // The stock movements go to stock-moves.json (served after finance), stock.picking also alone (custom-models.ts).
  fs.writeFileSync(path.join(out, 'stock-moves.json'), JSON.stringify(Object.fromEntries(STOCK_MOVE_MODELS.map((m) => [m, moves[m]]))));
  fs.writeFileSync(path.join(out, 'stock.picking.json'), JSON.stringify(moves['stock.picking']));
  fs.writeFileSync(path.join(out, 'fields.json'), JSON.stringify(models));
  fs.writeFileSync(path.join(out, 'finance.json'), JSON.stringify(Object.fromEntries(Object.keys(FINANCE_MODELS).map((m) => [m, finance[m]]))));
  fs.copyFileSync(path.join(src, 'version.json'), path.join(out, 'version.json'));
  const faults: Record<string, { faultCode: number | null; faultString: string | null }> = {};
  for (const f of fs.readdirSync(path.join(src, 'faults')).sort()) {
    if (!f.endsWith('.json') || f === 'index.json') continue;
    const c = readJson(path.join(src, 'faults', f)) as { case: string; faultCode?: number; faultString?: string };
    faults[c.case] = { faultCode: c.faultCode ?? null, faultString: c.faultString ?? null };
  }
  fs.writeFileSync(path.join(out, 'faults.json'), JSON.stringify(faults, null, 1));
  const json2 = path.join(src, 'json2');
  if (fs.existsSync(json2)) {
    const errors: Record<string, unknown> = {};
    for (const f of fs.readdirSync(json2).sort()) {
      if (!f.startsWith('error_') || !f.endsWith('.response.json')) continue;
      const r = readJson(path.join(json2, f)) as { status: number; reason: string; headers: Record<string, string>; body: unknown };
      errors[f.replace(/\.response\.json$/, '')] = { status: r.status, reason: r.reason, wwwAuthenticate: r.headers['WWW-Authenticate'], body: r.body };
    }
    fs.writeFileSync(path.join(out, 'json2-errors.json'), JSON.stringify(errors, null, 1));
  }

  // The tests take fields_get from the simulator's copy above, so `fields/` is not copied twice.
  const tests = path.join(testRoot, v);
  fs.mkdirSync(tests, { recursive: true });
  fs.copyFileSync(path.join(src, 'version.json'), path.join(tests, 'version.json'));
  copyFiles(path.join(src, 'samples'), path.join(tests, 'samples'), (f) => f.endsWith('.json'));
  copyFiles(path.join(src, 'raw'), path.join(tests, 'raw'), (f) => f.endsWith('.response.xml'));
  copyFiles(path.join(src, 'faults'), path.join(tests, 'faults'), (f) => /\.(json|request\.xml|response\.xml)$/.test(f));
  if (fs.existsSync(json2)) copyFiles(json2, path.join(tests, 'json2'), (f) => /\.(request\.json|response\.json|response\.body)$/.test(f) && f !== 'index.json');
}
console.log(`fixtures copied to ${simRoot} and ${testRoot}`);
