// Error mapping for cases no recorded fixture covers, backoff bounds, and connection reuse.
import { afterEach, describe, expect, it } from 'vitest';
import { errorFromFault, errorFromJson2Response, parseRetryAfter, serverWords } from '../../src/odoo/errors.ts';
import {
  backoffDelay,
  createOdooClient,
  OdooError,
  OdooMissingRecordError,
  OdooTransientError,
  type OdooClient,
} from '../../src/odoo/index.ts';
import { startReplayServer, withLogin, xmlrpcResult, type ReplayServer } from './replay-server.ts';

const ctx = { model: 'res.partner', method: 'write', secrets: ['s3cret'] };

describe('error mapping', () => {
  it('MissingError (a UserError: faultCode 2 over XML-RPC) is OdooMissingRecordError', () => {
    const err = errorFromFault({ faultCode: 2, faultString: 'Record does not exist or has been deleted.\n(Record: res.partner(999,), User: 2)' }, ctx);
    expect(err).toBeInstanceOf(OdooMissingRecordError);
    expect(err.message).toBe('Odoo res.partner.write failed: Record does not exist or has been deleted.');
    const json2 = errorFromJson2Response(
      404,
      JSON.stringify({ name: 'odoo.exceptions.MissingError', message: 'Record does not exist or has been deleted.\n(Record: res.partner(999,), User: 2)', arguments: [], context: {}, debug: '' }),
      ctx,
    );
    expect(json2).toBeInstanceOf(OdooMissingRecordError);
  });

  it.each([
    'psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update',
    'psycopg2.errors.LockNotAvailable: could not obtain lock on row in relation "stock_quant"',
    'psycopg2.OperationalError: connection to server at "db", port 5432 failed: Connection refused',
  ])('PostgreSQL trouble reported as a fault is transient: %s', (line) => {
    const err = errorFromFault({ faultCode: 1, faultString: `Traceback (most recent call last):\n  File "x.py", line 1, in f\n    g()\n${line}\n` }, ctx);
    expect(err).toBeInstanceOf(OdooTransientError);
    expect(err.serverMessage).toBe(line);
  });

  it('a JSON-2 500 whose traceback is a serialization failure is transient', () => {
    const body = { name: 'psycopg2.errors.SerializationFailure', message: 'could not serialize access due to concurrent update', debug: 'Traceback ...' };
    expect(errorFromJson2Response(500, JSON.stringify(body), ctx)).toBeInstanceOf(OdooTransientError);
  });

  it('a generic UserError stays a plain, non-transient OdooError', () => {
    const err = errorFromFault({ faultCode: 2, faultString: 'You cannot delete a posted journal entry.' }, ctx);
    expect(err.constructor).toBe(OdooError);
    expect(err.transient).toBe(false);
  });

  it('quotes the exception line of a traceback, the first line otherwise', () => {
    expect(serverWords('Traceback (most recent call last):\n  File "a.py", line 3, in f\n    raise KeyError(x)\nKeyError: \'x\'\n')).toBe("KeyError: 'x'");
    expect(serverWords('Access Denied')).toBe('Access Denied');
    expect(serverWords('')).toBe('(no message)');
  });
});

describe('backoff', () => {
  it('draws from [0, min(cap, base·2^attempt)) (full jitter)', () => {
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('Retry-After', () => {
  it('parses seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 20:00:10 GMT', Date.parse('2026-11-25T20:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('a 429 with Retry-After waits that long (up to the cap) before the retry', async () => {
    const server = await startReplayServer(
      withLogin((_r, i) => (i === 1 ? { status: 429, headers: { 'Content-Type': 'text/html', 'Retry-After': '1' }, body: '<html><title>429 Too Many Requests</title></html>' } : { body: xmlrpcResult('<int>4</int>') })),
    );
    const client = createOdooClient({ url: server.url, db: 'd', username: 'u', password: 'p', transport: 'xmlrpc', retryBaseDelayMs: 1, retryMaxDelayMs: 5000 });
    try {
      const started = Date.now();
      expect(await client.searchCount('res.partner')).toBe(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('connections', () => {
  let server: ReplayServer | undefined;
  let client: OdooClient | undefined;
  afterEach(async () => {
    client?.close();
    await server?.close();
  });

  it.each(['xmlrpc', 'json2'] as const)('%s keeps the connection alive across calls', async (transport) => {
    server = await startReplayServer(
      withLogin((req) => (req.url.startsWith('/json/2/') ? { headers: { 'Content-Type': 'application/json' }, body: '1' } : { body: xmlrpcResult('<int>1</int>') })),
    );
    client = createOdooClient({ url: server.url, db: 'd', username: 'u', password: 'p', apiKey: 'k', transport });
    for (let i = 0; i < 20; i++) expect(await client.searchCount('res.partner')).toBe(1);
    expect(server.requests).toHaveLength(21);
    expect(server.connections()).toBe(1);
  });
});
