// Copies what the simulator needs from the recorded fixtures into `src/sim/fields/<version>/`, so a running
// simulator never depends on the shared folder: all `fields_get` answers (one minified file per version),
// `version()`, the fault bodies (faultCode + faultString per case) and, for 19, the JSON-2 error bodies.
// Run: `npx tsx src/sim/import-fixtures.ts`
import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir } from './fixtures-dir.ts';

const VERSIONS = ['16.0', '17.0', '18.0', '19.0'] as const;
const outRoot = path.join(path.dirname(new URL(import.meta.url).pathname), 'fields');

function readJson(p: string): unknown {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

for (const v of VERSIONS) {
  const src = path.join(fixturesDir(), v);
  const out = path.join(outRoot, v);
  fs.mkdirSync(out, { recursive: true });
  const models: Record<string, unknown> = {};
  for (const f of fs.readdirSync(path.join(src, 'fields')).sort()) {
    models[f.replace(/\.json$/, '')] = readJson(path.join(src, 'fields', f));
  }
  fs.writeFileSync(path.join(out, 'fields.json'), JSON.stringify(models));
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
}
console.log(`fixtures copied to ${outRoot}`);
