// Every recorded real-Odoo response decodes with the recorded fields_get, and every recorded fault maps to
// the right error type, replayed byte for byte through the real transports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOdooClient,
  decodeRecords,
  OdooAccessError,
  OdooAuthError,
  OdooError,
  OdooInvalidDomainError,
  OdooUnknownFieldError,
  OdooUnknownModelError,
  type FieldsGetResult,
  type OdooClient,
} from '../../src/odoo/index.ts';
import { startReplayServer, withLogin, type ReplayServer } from './replay-server.ts';
import { loadVersionFile, type OdooVersion } from '../../src/sim/versions.ts';
import { fixturesDir } from '../support/fixtures-dir.ts';

const versions = readdirSync(fixturesDir).filter((d) => /^\d+\.0$/.test(d));
const readJson = (...p: string[]): unknown => JSON.parse(readFileSync(path.join(fixturesDir, ...p), 'utf8'));
// fields_get as recorded, from the simulator's copy (fields.json, finance.json and stock-moves.json per version, not duplicated under test/).
const fieldsByVersion = new Map<string, Record<string, FieldsGetResult>>();
function fieldsOf(version: string, model: string): FieldsGetResult {
  if (!fieldsByVersion.has(version)) {
    const v = version as OdooVersion;
    fieldsByVersion.set(version, { ...loadVersionFile<Record<string, FieldsGetResult>>(v, 'fields.json'), ...loadVersionFile<Record<string, FieldsGetResult>>(v, 'finance.json'), ...loadVersionFile<Record<string, FieldsGetResult>>(v, 'stock-moves.json') });
  }
  return fieldsByVersion.get(version)![model]!;
}
const PASSWORD = 'correct-horse-battery-staple';
const API_KEY = '0123456789abcdef0123456789abcdef01234567';

let server: ReplayServer | undefined;
let client: OdooClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

function xmlrpcClient(url: string): OdooClient {
  return createOdooClient({ url, db: 'odoo_demo', username: 'admin', password: PASSWORD, transport: 'xmlrpc', retries: 0, timeoutMs: 5000 });
}
function json2Client(url: string): OdooClient {
  return createOdooClient({ url, db: 'odoo_demo', username: 'admin', apiKey: API_KEY, transport: 'json2', retries: 0, timeoutMs: 5000 });
}

it('finds the fixtures', () => {
  expect(versions).toEqual(['16.0', '17.0', '18.0', '19.0']);
});

describe.each(versions)('Odoo %s samples', (version) => {
  const models = readdirSync(path.join(fixturesDir, version, 'samples')).map((f) => f.replace(/\.json$/, ''));
  it.each(models)('%s decodes', (model) => {
    const sample = readJson(version, 'samples', `${model}.json`) as { records: Array<Record<string, unknown>> };
    const fields = fieldsOf(version, model);
    const decoded = decodeRecords(model, sample.records, fields);
    expect(decoded).toHaveLength(sample.records.length);
    for (const [i, record] of decoded.entries()) {
      const raw = sample.records[i]!;
      expect(record.id).toBe(raw.id);
      for (const [name, value] of Object.entries(raw)) {
        const type = fields[name]!.type;
        const got = record.values[name];
        if (value === false && type !== 'boolean') expect(got === null || (Array.isArray(got) && got.length === 0)).toBe(true);
        else if (type === 'many2one') {
          expect(got).toBe((value as [number, string])[0]);
          expect(record.names[name]).toBe((value as [number, string])[1]);
        } else if (type === 'datetime') expect(got).toBe(`${String(value).replace(' ', 'T')}Z`);
        else expect(got).toEqual(value);
      }
    }
  });
});

describe.each(versions)('Odoo %s raw XML-RPC responses', (version) => {
  const raws = readdirSync(path.join(fixturesDir, version, 'raw')).filter((f) => f.endsWith('.response.xml'));
  it.each(raws)('%s replays and decodes', async (file) => {
    const model = file.replace('.search_read.response.xml', '');
    const bytes = readFileSync(path.join(fixturesDir, version, 'raw', file));
    server = await startReplayServer(withLogin(() => ({ body: bytes })));
    client = xmlrpcClient(server.url);
    const records = await client.searchRead(model, { fields: ['id'], limit: 2, context: { active_test: false } });
    // The raw call used limit=2; 16's demo data has no POS records at all.
    const sample = readJson(version, 'samples', `${model}.json`) as { records: unknown[] };
    expect(records).toHaveLength(Math.min(2, sample.records.length));
    const decoded = decodeRecords(model, records, fieldsOf(version, model));
    expect(decoded.map((r) => r.id)).toEqual(records.map((r) => r.id));
    // The request went to /xmlrpc/2/object without the password anywhere but its own parameter.
    const sent = server.requests.find((r) => r.url === '/xmlrpc/2/object')!;
    expect(sent.body).toContain('<methodName>execute_kw</methodName>');
    expect(sent.body).toContain(`<string>${model}</string>`);
  });
});

// Expected error type per recorded XML-RPC case (the same in every version).
const XMLRPC_FAULTS: Record<string, typeof OdooError> = {
  execute_kw_wrong_password: OdooAuthError,
  execute_kw_unknown_model: OdooUnknownModelError,
  search_read_unknown_field: OdooUnknownFieldError,
  search_read_unknown_field_in_domain: OdooUnknownFieldError,
  search_read_invalid_operator: OdooInvalidDomainError,
  unknown_method: OdooError,
  private_method: OdooAccessError,
  unknown_database: OdooError,
  demo_access_ir_model: OdooAccessError,
  demo_access_ir_config_parameter: OdooAccessError,
  demo_access_hr_employee: OdooAccessError,
};

interface FaultCase {
  case: string;
  kind: 'fault' | 'result';
  faultCode: number | null;
  faultString_summary: string | null;
  result: unknown;
}

describe.each(versions)('Odoo %s recorded XML-RPC faults', (version) => {
  const index = readJson(version, 'faults', 'index.json') as FaultCase[];
  const faults = index.filter((c) => c.kind === 'fault');
  it('has an expectation for every recorded fault', () => {
    for (const c of faults) expect(Object.keys(XMLRPC_FAULTS)).toContain(c.case);
  });
  it.each(faults.map((c) => [c.case, c] as const))('%s', async (_name, c) => {
    const bytes = readFileSync(path.join(fixturesDir, version, 'faults', `${c.case}.response.xml`));
    server = await startReplayServer(withLogin(() => ({ body: bytes })));
    client = xmlrpcClient(server.url);
    const err = await client.searchRead('res.partner', { fields: ['name'] }).catch((e: unknown) => e);
    const Expected = XMLRPC_FAULTS[c.case]!;
    expect(err).toBeInstanceOf(Expected);
    expect((err as Error).constructor).toBe(Expected);
    const e = err as OdooError;
    expect(e.transient).toBe(false);
    expect(e.faultCode).toBe(c.faultCode);
    expect(e.message).toContain('res.partner.search_read');
    expect(e.serverMessage).toBe(c.faultString_summary!.split(/\n|\\n/)[0]);
    expect(e.message).toContain(e.serverMessage);
    expect(e.message).not.toContain(PASSWORD);
    // Only one call reached the object endpoint: none of these is retried.
    expect(server.requests.filter((r) => r.url === '/xmlrpc/2/object')).toHaveLength(1);
  });

  it('authenticate with a wrong password is an OdooAuthError', async () => {
    const bytes = readFileSync(path.join(fixturesDir, version, 'faults', 'authenticate_wrong_password.response.xml'));
    server = await startReplayServer(() => ({ body: bytes }));
    client = createOdooClient({ url: server.url, db: 'odoo_demo', username: 'admin', password: PASSWORD, transport: 'xmlrpc', retries: 3, retryBaseDelayMs: 1 });
    const err = await client.authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooAuthError);
    expect((err as Error).message).toMatch(/common\.authenticate.*login refused for user "admin" on database "odoo_demo"/);
    expect((err as Error).message).not.toContain(PASSWORD);
    expect(server.requests).toHaveLength(1);
  });

  it('read of a missing record is an empty list', async () => {
    const bytes = readFileSync(path.join(fixturesDir, version, 'faults', 'read_missing_record.response.xml'));
    server = await startReplayServer(withLogin(() => ({ body: bytes })));
    client = xmlrpcClient(server.url);
    expect(await client.read('res.partner', [999999], ['name'])).toEqual([]);
  });
});

const JSON2_ERRORS: Record<string, typeof OdooError> = {
  error_bad_api_key: OdooAuthError,
  error_no_authorization: OdooAuthError,
  error_unknown_model: OdooUnknownModelError,
  error_unknown_method: OdooError,
  error_private_method: OdooAccessError,
  error_unexpected_argument: OdooError,
  error_unexpected_argument_strict: OdooError,
  error_missing_argument: OdooError,
  error_ids_on_model_method: OdooError,
  error_unknown_field: OdooUnknownFieldError,
  error_invalid_domain_operator: OdooInvalidDomainError,
  error_invalid_json: OdooError,
  error_no_method_in_path: OdooError,
  error_access_demo_ir_config_parameter: OdooAccessError,
};

describe('Odoo 19.0 JSON-2', () => {
  const dir = path.join(fixturesDir, '19.0', 'json2');
  const cases = readdirSync(dir).filter((f) => f.endsWith('.response.json')).map((f) => f.replace('.response.json', ''));
  const errors = cases.filter((c) => c.startsWith('error_'));
  const recorded = (c: string) => ({
    meta: JSON.parse(readFileSync(path.join(dir, `${c}.response.json`), 'utf8')) as { status: number; headers: Record<string, string>; body: { message?: string } },
    bytes: readFileSync(path.join(dir, `${c}.response.body`)),
  });

  it('has an expectation for every recorded error', () => {
    expect(errors.length).toBeGreaterThan(10);
    for (const c of errors) expect(Object.keys(JSON2_ERRORS)).toContain(c);
  });

  it.each(errors)('%s', async (c) => {
    const { meta, bytes } = recorded(c);
    server = await startReplayServer(withLogin(() => ({ status: meta.status, headers: { 'Content-Type': meta.headers['Content-Type'] ?? 'application/json' }, body: bytes })));
    client = json2Client(server.url);
    const err = await client.searchRead('res.partner', { fields: ['name'] }).catch((e: unknown) => e);
    const Expected = JSON2_ERRORS[c]!;
    expect(err).toBeInstanceOf(Expected);
    expect((err as Error).constructor).toBe(Expected);
    const e = err as OdooError;
    expect(e.transient).toBe(false);
    expect(e.httpStatus).toBe(meta.status);
    expect(e.message).toContain('res.partner.search_read');
    expect(e.serverMessage).toBe(meta.body.message!.split('\n')[0]!.trim());
    expect(e.message).not.toContain(API_KEY);
    expect(server.requests.filter((r) => r.url.startsWith('/json/2/res.partner/'))).toHaveLength(1);
  });

  it('a wrong API key fails authenticate with OdooAuthError', async () => {
    const { meta, bytes } = recorded('error_bad_api_key');
    server = await startReplayServer(() => ({ status: meta.status, headers: { 'Content-Type': 'application/json' }, body: bytes }));
    client = json2Client(server.url);
    const err = await client.authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooAuthError);
    expect((err as Error).message).toContain('Invalid apikey');
    expect((err as Error).message).not.toContain(API_KEY);
  });

  const successes: Array<[string, string]> = [
    ['search_read_partners', 'res.partner'],
    ['search_read_product_template', 'product.template'],
    ['search_read_pos_order', 'pos.order'],
    ['search_read_with_database_header', 'res.partner'],
    ['read_ids', 'res.partner'],
  ];
  it.each(successes)('%s decodes with the recorded fields_get', async (c, model) => {
    const { bytes } = recorded(c);
    server = await startReplayServer(withLogin(() => ({ headers: { 'Content-Type': 'application/json' }, body: bytes })));
    client = json2Client(server.url);
    const records = c === 'read_ids' ? await client.read(model, [1, 3], ['name', 'email']) : await client.searchRead(model, { fields: ['name'], limit: 2 });
    expect(records.length).toBeGreaterThan(0);
    decodeRecords(model, records, fieldsOf('19.0', model));
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe(`/json/2/${model}/${c === 'read_ids' ? 'read' : 'search_read'}`);
    expect(sent.headers.authorization).toBe(`bearer ${API_KEY}`);
    expect(sent.headers['x-odoo-database']).toBe('odoo_demo');
  });

  it('search, search_count and fields_get answer in Odoo shapes', async () => {
    const bodies: Record<string, Buffer> = {
      '/json/2/res.partner/search': recorded('search').bytes,
      '/json/2/res.partner/search_count': recorded('search_count').bytes,
      '/json/2/product.template/fields_get': recorded('fields_get').bytes,
    };
    server = await startReplayServer(withLogin((req) => ({ headers: { 'Content-Type': 'application/json' }, body: bodies[req.url] ?? '' })));
    client = json2Client(server.url);
    expect(await client.search('res.partner', [['is_company', '=', true]], { limit: 3, order: 'id asc' })).toEqual([1, 8, 9]);
    expect(await client.searchCount('res.partner')).toBe(60);
    const fields = await client.fieldsGet('product.template', ['string', 'type', 'relation', 'selection']);
    expect(fields.type!.type).toBe('selection');
    const searchBody = JSON.parse(server.requests.find((r) => r.url === '/json/2/res.partner/search')!.body) as unknown;
    expect(searchBody).toEqual({ domain: [['is_company', '=', true]], limit: 3, order: 'id asc' });
  });
});
