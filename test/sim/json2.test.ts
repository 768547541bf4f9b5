// The 19 flavour's JSON-2 API: every recorded request replayed, same HTTP status and, for errors, the same
// error name and message; successful calls in Odoo's shapes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../support/fixtures-dir.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';

interface Recorded {
  request: { path: string; headers: Record<string, string>; body: unknown };
  response: { status: number; body: any };
}

const dir = path.join(fixturesDir, '19.0', 'json2');
const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.request.json')).map((f) => f.replace('.request.json', ''));
function load(kase: string): Recorded {
  return {
    request: JSON.parse(fs.readFileSync(path.join(dir, `${kase}.request.json`), 'utf8')),
    response: JSON.parse(fs.readFileSync(path.join(dir, `${kase}.response.json`), 'utf8')),
  };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ version: '19.0', scale: 1, db: 'odoo_demo' });
});
afterAll(async () => {
  await sim?.close();
});

async function replay(r: Recorded): Promise<{ status: number; body: any; raw: string }> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.request.headers)) {
    headers[k] = v.replace('<API_KEY>', sim.admin.apiKey).replace('<DEMO_API_KEY>', sim.demo.apiKey).replace(/<WRONG_KEY ([0-9a-f]+)>/, '$1');
  }
  const body = typeof r.request.body === 'string' ? r.request.body : JSON.stringify(r.request.body);
  const res = await fetch(`${sim.url}${r.request.path}`, { method: 'POST', headers, body });
  const raw = await res.text();
  return { status: res.status, body: JSON.parse(raw), raw };
}

describe('JSON-2 on 19.0', () => {
  for (const kase of cases) {
    it(kase, async () => {
      const r = load(kase);
      const got = await replay(r);
      expect(got.status).toBe(r.response.status);
      if (r.response.status !== 200) {
        expect(got.body.name).toBe(r.response.body.name);
        expect(got.body.message).toBe(r.response.body.message);
        expect(Object.keys(got.body)).toEqual(['name', 'message', 'arguments', 'context', 'debug']);
        expect(got.body.debug).toMatch(/^Traceback \(most recent call last\):\n/);
        return;
      }
      const want = r.response.body;
      if (Array.isArray(want)) {
        expect(Array.isArray(got.body)).toBe(true);
        if (want.length > 0 && typeof want[0] === 'object') {
          expect(got.body.length).toBeGreaterThan(0);
          expect(Object.keys(got.body[0]).sort()).toEqual(Object.keys(want[0]).sort());
        } else if (want.length > 0) {
          expect(got.body.every((x: unknown) => typeof x === 'number')).toBe(true);
        } else {
          expect(got.body).toEqual([]);
        }
      } else if (typeof want === 'number') {
        expect(got.body).toBe(sim.records('res.partner').filter((p) => p.active !== false).length);
      } else if (kase === 'fields_get') {
        expect(got.body.type).toEqual(want.type);
        expect(got.body.pos_categ_ids).toEqual(want.pos_categ_ids);
      } else {
        expect(Object.keys(got.body).sort()).toEqual(Object.keys(want).sort());
      }
    });
  }

  it('floats keep their decimal point and many2one are pairs, like Python json', async () => {
    const got = await replay(load('search_read_pos_order'));
    expect(got.raw).toMatch(/"amount_tax": \d+\.\d+/);
    expect(got.body[0].session_id).toEqual([expect.any(Number), expect.any(String)]);
  });

  it('GET /web/version and XML-RPC common.version tell 19.0', async () => {
    const res = await fetch(`${sim.url}/web/version`);
    expect(await res.json()).toEqual({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
  });
});
