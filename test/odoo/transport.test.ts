// The transports and the retry policy against a local HTTP server that plays the failures real servers and
// proxies produce: which errors are retried (and logged), which fail at once, timeouts, what goes on the wire.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOdooClient,
  OdooAuthError,
  OdooError,
  OdooTimeoutError,
  OdooTransientError,
  OdooWireValueError,
  type OdooClient,
  type OdooClientOptions,
} from '../../src/odoo/index.ts';
import { startReplayServer, withLogin, xmlrpcFault, xmlrpcResult, type ReplayServer } from './replay-server.ts';
import { fixturesDir } from '../support/fixtures-dir.ts';

const PASSWORD = 'pw-Sup3r-Secret-1234';
const API_KEY = 'feedfacefeedfacefeedfacefeedfacefeedface';
const NGINX_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const rawPartners = readFileSync(path.join(fixturesDir, '17.0', 'raw', 'res.partner.search_read.response.xml'));

let server: ReplayServer | undefined;
let client: OdooClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
  client = undefined;
});

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

function make(url: string, extra: Partial<OdooClientOptions> = {}): OdooClient {
  return createOdooClient({
    url,
    db: 'odoo_demo',
    username: 'admin',
    password: PASSWORD,
    transport: 'xmlrpc',
    retries: 3,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    timeoutMs: 2000,
    ...extra,
  });
}

const objectCalls = (s: ReplayServer) => s.requests.filter((r) => r.url === '/xmlrpc/2/object').length;

describe('retries', () => {
  it('retries an HTTP 502 page, logs each retry without secrets, then succeeds', async () => {
    server = await startReplayServer(
      withLogin((_req, i) => (i <= 2 ? { status: 502, headers: { 'Content-Type': 'text/html' }, body: NGINX_502 } : { body: rawPartners })),
    );
    const { lines, logger } = capture();
    client = make(server.url, { logger });
    const records = await client.searchRead('res.partner', { fields: ['name'], limit: 2 });
    expect(records).toHaveLength(2);
    expect(objectCalls(server)).toBe(3);
    expect(client.stats()).toMatchObject({ calls: { 'res.partner.search_read': 3, 'common.authenticate': 1 }, retries: 2, failures: 0 });
    const retries = lines.filter((l) => l.msg === 'transient Odoo failure, retrying');
    expect(retries).toHaveLength(2);
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
    for (const l of retries) {
      expect(l).toMatchObject({ model: 'res.partner', method: 'search_read', level: 40 });
      expect(typeof l.delayMs).toBe('number');
      expect(JSON.stringify(l)).toContain('502 Bad Gateway');
    }
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
  });

  it('a wrong password is one clear error, never retried', async () => {
    server = await startReplayServer(withLogin(() => ({ body: xmlrpcFault(3, 'Access Denied') })));
    client = make(server.url);
    const err = await client.searchCount('res.partner').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooAuthError);
    expect((err as Error).message).toBe('Odoo res.partner.search_count failed: Access Denied');
    expect(objectCalls(server)).toBe(1);
    expect(client.stats().retries).toBe(0);
  });

  it('retries a PostgreSQL serialization failure reported as a fault', async () => {
    const fault = xmlrpcFault(
      1,
      'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 133, in retrying\n    result = func()\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n',
    );
    server = await startReplayServer(withLogin((_r, i) => (i === 1 ? { body: fault } : { body: xmlrpcResult('<int>42</int>') })));
    client = make(server.url);
    expect(await client.searchCount('res.partner')).toBe(42);
    expect(objectCalls(server)).toBe(2);
  });

  it.each([
    [429, 'text/plain', 'Too Many Requests'],
    [503, 'text/html', ''],
    [504, 'text/html', '<html><head><title>504 Gateway Time-out</title></head><body></body></html>'],
  ])('HTTP %i is transient and retried a bounded number of times', async (status, type, body) => {
    server = await startReplayServer(withLogin(() => ({ status, headers: { 'Content-Type': type }, body })));
    client = make(server.url, { retries: 2 });
    const err = await client.searchCount('res.partner').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooTransientError);
    expect((err as OdooError).httpStatus).toBe(status);
    expect((err as Error).message).toContain(`res.partner.search_count failed: HTTP ${status}`);
    expect(objectCalls(server)).toBe(3);
    expect(client.stats()).toMatchObject({ retries: 2, failures: 1 });
  });

  it('an HTML page with status 200 (a proxy page) is transient', async () => {
    server = await startReplayServer(withLogin((_r, i) => (i === 1 ? { headers: { 'Content-Type': 'text/html' }, body: '<!DOCTYPE html><html><head><title>Maintenance</title></head></html>' } : { body: xmlrpcResult('<int>7</int>') })));
    client = make(server.url);
    expect(await client.searchCount('res.partner')).toBe(7);
    expect(objectCalls(server)).toBe(2);
  });

  it('a connection reset is transient', async () => {
    server = await startReplayServer(withLogin((_r, i) => (i === 1 ? { destroy: true } : { body: xmlrpcResult('<int>7</int>') })));
    client = make(server.url);
    expect(await client.searchCount('res.partner')).toBe(7);
    expect(objectCalls(server)).toBe(2);
  });

  it('a refused connection is transient and ends as OdooTransientError', async () => {
    const probe = await startReplayServer(() => ({}));
    const url = probe.url;
    await probe.close();
    client = make(url, { retries: 1 });
    const err = await client.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooTransientError);
    expect((err as Error).message).toMatch(/common\.version: connection failed: ECONNREFUSED/);
    expect(client.stats()).toMatchObject({ calls: { 'common.version': 2 }, retries: 1 });
  });

  it('a 404 (wrong URL) is not retried', async () => {
    server = await startReplayServer(() => ({ status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><title>404 Not Found</title></html>' }));
    client = make(server.url);
    const err = await client.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooError);
    expect((err as OdooError).transient).toBe(false);
    expect((err as OdooError).httpStatus).toBe(404);
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('a call that gets no answer fails with OdooTimeoutError after timeoutMs, and is retried', async () => {
    server = await startReplayServer(withLogin((_r, i) => (i === 1 ? { hang: true } : { body: xmlrpcResult('<int>5</int>') })));
    client = make(server.url, { timeoutMs: 150 });
    const started = Date.now();
    expect(await client.searchCount('res.partner')).toBe(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(objectCalls(server)).toBe(2);
  });

  it('gives up with OdooTimeoutError when every attempt times out', async () => {
    server = await startReplayServer(withLogin(() => ({ hang: true })));
    client = make(server.url, { timeoutMs: 100, retries: 1 });
    const err = await client.searchCount('res.partner').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OdooTimeoutError);
    expect((err as Error).message).toBe('Odoo res.partner.search_count timed out after 100 ms');
  });

  it('JSON-2 calls time out too', async () => {
    server = await startReplayServer(withLogin(() => ({ hang: true })));
    client = make(server.url, { transport: 'json2', apiKey: API_KEY, timeoutMs: 100, retries: 0 });
    await expect(client.searchCount('res.partner')).rejects.toBeInstanceOf(OdooTimeoutError);
  });
});

describe('what goes on the wire', () => {
  it('BigInt becomes a number, undefined options are left out, Dates become Odoo datetimes', async () => {
    server = await startReplayServer(withLogin(() => ({ body: xmlrpcResult('<array><data></data></array>') })));
    client = make(server.url);
    await client.search('res.partner', [['id', '>', 10n], ['write_date', '>', new Date('2026-01-02T03:04:05.678Z')]], { limit: undefined, order: 'id asc' });
    const body = server.requests.find((r) => r.url === '/xmlrpc/2/object')!.body;
    expect(body).toContain('<int>10</int>');
    expect(body).toContain('<string>2026-01-02 03:04:05</string>');
    expect(body).toContain('<name>order</name>');
    expect(body).not.toContain('<name>limit</name>');
    expect(body).not.toContain('<name>offset</name>');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a huge BigInt', 2n ** 70n],
    ['undefined', undefined],
  ])('refuses %s in a domain before sending anything', async (_name, value) => {
    server = await startReplayServer(withLogin(() => ({ body: xmlrpcResult('<int>0</int>') })));
    client = make(server.url);
    await expect(client.searchCount('res.partner', [['id', '=', value]])).rejects.toBeInstanceOf(OdooWireValueError);
    expect(objectCalls(server)).toBe(0);
  });

  it('JSON-2 sends named arguments, the bearer key and the database header', async () => {
    server = await startReplayServer(withLogin(() => ({ headers: { 'Content-Type': 'application/json' }, body: '[]' })));
    client = make(server.url, { transport: 'json2', apiKey: API_KEY, password: undefined });
    await client.searchRead('res.partner', { domain: [['id', '>', 5n]], fields: ['name'], limit: 10, order: 'id asc', context: { active_test: false } });
    await client.read('res.partner', [1, 2], ['name']);
    const [sr, rd] = server.requests.filter((r) => r.url.startsWith('/json/2/res.partner/'));
    expect(sr!.url).toBe('/json/2/res.partner/search_read');
    expect(JSON.parse(sr!.body)).toEqual({ domain: [['id', '>', 5]], fields: ['name'], limit: 10, order: 'id asc', context: { active_test: false } });
    expect(JSON.parse(rd!.body)).toEqual({ ids: [1, 2], fields: ['name'] });
    expect(sr!.headers.authorization).toBe(`bearer ${API_KEY}`);
    expect(sr!.headers['x-odoo-database']).toBe('odoo_demo');
    expect(sr!.headers.connection).toBe('keep-alive');
  });

  it('XML-RPC sends ids and the domain by position, the rest as keywords', async () => {
    server = await startReplayServer(withLogin(() => ({ body: xmlrpcResult('<array><data></data></array>') })));
    client = make(server.url);
    await client.read('res.partner', [3], ['name'], { lang: 'en_US' });
    const body = server.requests.find((r) => r.url === '/xmlrpc/2/object')!.body;
    // execute_kw(db, uid, password, model, 'read', [[3]], {fields: ['name'], context: {...}})
    expect(body.replace(/\s+/g, '')).toContain(
      '<value><string>read</string></value></param><param><value><array><data><value><array><data><value><int>3</int></value></data></array></value></data></array></value></param>',
    );
    expect(body).toContain('<name>fields</name>');
    expect(body).toContain('<name>context</name>');
  });
});

describe('secrets', () => {
  it('are scrubbed from server text that echoes them', async () => {
    server = await startReplayServer(withLogin(() => ({ body: xmlrpcFault(1, `ValueError: bad login admin/${PASSWORD}`) })));
    client = make(server.url);
    const err = (await client.searchCount('res.partner').catch((e: unknown) => e)) as OdooError;
    expect(err.message).toBe('Odoo res.partner.search_count failed: ValueError: bad login admin/***');
    expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain(PASSWORD);
  });

  it('never appear in JSON-2 errors', async () => {
    server = await startReplayServer(() => ({ status: 401, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'werkzeug.exceptions.Unauthorized', message: `Invalid apikey ${API_KEY}` }) }));
    client = make(server.url, { transport: 'json2', apiKey: API_KEY });
    const err = (await client.authenticate().catch((e: unknown) => e)) as OdooError;
    expect(err).toBeInstanceOf(OdooAuthError);
    expect(err.message).toBe('Odoo res.users.context_get failed: Invalid apikey ***');
  });
});

describe('transport choice', () => {
  it.each([
    ['16.0', 'xmlrpc'],
    ['18.0', 'xmlrpc'],
    ['19.0', 'json2'],
  ])('Odoo %s → %s', async (version, expected) => {
    const versionXml = readFileSync(path.join(fixturesDir, version, 'version.json'), 'utf8');
    const v = JSON.parse(versionXml) as { server_version: string; server_serie: string; server_version_info: [number] };
    const reply = xmlrpcResult(
      `<struct><member><name>server_version</name><value><string>${v.server_version}</string></value></member><member><name>server_version_info</name><value><array><data><value><int>${v.server_version_info[0]}</int></value></data></array></value></member><member><name>server_serie</name><value><string>${v.server_serie}</string></value></member><member><name>protocol_version</name><value><int>1</int></value></member></struct>`,
    );
    server = await startReplayServer(() => ({ body: reply }));
    client = make(server.url, { transport: 'auto', apiKey: API_KEY });
    expect(await client.transportKind()).toBe(expected);
    expect((await client.version()).server_serie).toBe(v.server_serie);
    expect(server.requests).toHaveLength(1);
  });
});

describe('transport choice without XML-RPC', () => {
  it('falls back to JSON-2 when /xmlrpc answers 404 and an API key is given', async () => {
    server = await startReplayServer(
      withLogin((req) =>
        req.url.startsWith('/xmlrpc/')
          ? { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><title>404: Not Found</title></html>' }
          : { headers: { 'Content-Type': 'application/json' }, body: '3' },
      ),
    );
    client = make(server.url, { transport: 'auto', apiKey: API_KEY });
    expect(await client.transportKind()).toBe('json2');
    expect(await client.searchCount('res.partner')).toBe(3);
  });
});

describe('https', () => {
  it('verifies certificates and trusts a private CA given as caFile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'odoo-tls-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=odoo-etl test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    const ext = path.join(dir, 'ext.cnf');
    execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ${ext}`]);
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', ext);
    const tls = https.createServer({ key: readFileSync(path.join(dir, 'server.key')), cert: readFileSync(path.join(dir, 'server.pem')) }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(xmlrpcResult('<struct><member><name>server_version</name><value><string>17.0</string></value></member></struct>'));
      });
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    try {
      const untrusting = make(url, { retries: 0 });
      const err = await untrusting.version().catch((e: unknown) => e);
      untrusting.close();
      expect(err).toBeInstanceOf(OdooError);
      expect((err as OdooError).transient).toBe(false);
      expect((err as Error).message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
      client = make(url, { caFile: path.join(dir, 'ca.pem') });
      expect((await client.version()).server_version).toBe('17.0');
    } finally {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});
