// Malformed XML-RPC answers: the decoder either refuses them with an XmlRpcDecodeError or reads exactly what
// the xmlrpc package's reader reads (never another value), and through the real transport every bad answer
// (truncated bodies, HTML error pages, wrong types, random mutations) is a typed OdooError naming the call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, OdooError, OdooTransientError, type OdooClient } from '../../src/odoo/index.ts';
import { decodeMethodResponse, XmlRpcDecodeError } from '../../src/odoo/xmlrpc-decode.ts';
import { startReplayServer, withLogin, type Reply, type ReplayServer } from './replay-server.ts';
import { PYTHON_STYLE, randomValue, recordedBodies, referenceDecode, responseOf, rng, type Rng } from './xmlrpc-values.ts';

const NOISE = ['<', '>', '/', '&', ';', '"', ' ', '\n', 'a', '1', '-', '.', '#', '<value>', '</value>', '<int>', '</string>', '<struct>', '<![CDATA[', ']]>', '<!--', '&amp;', '&#', 'é'];

/** One random damage: cut, delete, insert, duplicate or swap a span of the body. */
function mutate(r: Rng, body: string): string {
  const at = r.int(0, body.length);
  const len = r.int(1, 12);
  switch (r.int(0, 5)) {
    case 0:
      return body.slice(0, at);
    case 1:
      return body.slice(0, at) + body.slice(at + len);
    case 2:
      return body.slice(0, at) + r.pick(NOISE) + body.slice(at);
    case 3:
      return body.slice(0, at) + body.slice(at, at + len * 4) + body.slice(at);
    case 4: {
      const b = r.int(0, body.length);
      return body.slice(0, Math.min(at, b)) + body.slice(Math.max(at, b), Math.max(at, b) + len) + body.slice(Math.min(at, b) + len, Math.max(at, b)) + body.slice(Math.min(at, b), Math.min(at, b) + len) + body.slice(Math.max(at, b) + len);
    }
    default:
      return body.slice(0, at) + r.pick(NOISE) + body.slice(at + len);
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false };

function ours(body: string): Outcome {
  try {
    const r = decodeMethodResponse(body);
    return { ok: true, value: r.kind === 'value' ? { kind: 'value', value: r.value } : r };
  } catch (err) {
    if (!(err instanceof XmlRpcDecodeError)) throw new Error(`not an XmlRpcDecodeError: ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false };
  }
}

describe('random mutations of real and generated answers', () => {
  const small = recordedBodies().filter(([, body]) => body.length < 6000);

  it('3000 mutated bodies: refused with XmlRpcDecodeError, or read exactly as the xmlrpc package reads them', async () => {
    const r = rng(10);
    let refused = 0;
    for (let n = 0; n < 3000; n++) {
      const base = r.chance(0.5) ? r.pick(small)[1] : responseOf(randomValue(r, PYTHON_STYLE), PYTHON_STYLE);
      let body = mutate(r, base);
      if (r.chance(0.3)) body = mutate(r, body);
      const got = ours(body);
      if (!got.ok) {
        refused++;
        continue;
      }
      // Whatever we accept, the reference reader must accept and read the same.
      const reference = await referenceDecode(body);
      expect(reference.kind, `mutation ${n} accepted here, refused by the reference\n${body}`).not.toBe('error');
      expect(got.value, `mutation ${n}\n${body}`).toStrictEqual(reference);
    }
    // most damage is caught; some lands in text and is a different but valid document
    expect(refused).toBeGreaterThan(1500);
  });

  it('every prefix of a real answer is refused (a truncated body is never a shorter value)', () => {
    const [, body] = recordedBodies().find(([name]) => name === '17.0/raw/res.partner.search_read.response.xml')!;
    const end = body.trimEnd().length;
    for (let cut = 0; cut < end; cut += 7) expect(ours(body.slice(0, cut)).ok, `cut at ${cut}`).toBe(false);
  });
});

describe('bad answers through the XML-RPC transport', () => {
  let server: ReplayServer;
  let client: OdooClient;
  let reply: () => Reply = () => ({});
  beforeAll(async () => {
    server = await startReplayServer(withLogin(() => reply()));
    client = createOdooClient({ url: server.url, db: 'odoo_demo', username: 'admin', password: 'pw-fuzz-secret', transport: 'xmlrpc', retries: 0, timeoutMs: 5000 });
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  const call = (): Promise<unknown> => client.searchRead('res.partner', { fields: ['name'], limit: 2 });
  const failure = async (): Promise<OdooError> => {
    const err = await call().then(
      (value) => {
        throw new Error(`resolved with ${JSON.stringify(value)}`);
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OdooError);
    expect((err as Error).message).toContain('res.partner.search_read');
    expect((err as Error).message).not.toContain('pw-fuzz-secret');
    return err as OdooError;
  };
  const partners = responseOf('<value><array><data>\n<value><struct>\n<member>\n<name>id</name>\n<value><int>7</int></value>\n</member>\n<member>\n<name>name</name>\n<value><string>Ça &amp; co</string></value>\n</member>\n</struct></value>\n</data></array></value>\n', PYTHON_STYLE);

  it('reads a good answer', async () => {
    reply = () => ({ body: partners });
    expect(await call()).toStrictEqual([{ id: 7, name: 'Ça & co' }]);
  });

  it.each([
    ['an empty body', ''],
    ['a truncated body', partners.slice(0, 120)],
    ['a JSON body', '{"result": []}'],
    ['plain text', 'Internal Server Error'],
    ['another XML document', "<?xml version='1.0'?><rss><channel/></rss>"],
    ['a method call instead of a response', "<?xml version='1.0'?><methodCall><methodName>x</methodName><params/></methodCall>"],
    ['a wrong type inside', partners.replace('<int>7</int>', '<int>seven</int>')],
    ['a boolean that is not 0 or 1', partners.replace('<int>7</int>', '<boolean>yes</boolean>')],
  ])('%s with status 200 is an OdooError, not retried as transient', async (_name, body) => {
    reply = () => ({ body });
    const err = await failure();
    expect(err.transient).toBe(false);
    expect(err.httpStatus).toBe(200);
    expect(err.serverMessage).toMatch(/^unreadable XML-RPC response: /);
  });

  it('a result of the wrong shape (a struct where search_read gives a list) is an OdooError', async () => {
    reply = () => ({ body: responseOf('<value><struct></struct></value>', PYTHON_STYLE) });
    const err = await failure();
    expect(err.serverMessage).toBe('expected a list, got object');
  });

  it.each([
    [200, '<!DOCTYPE html><html><head><title>Odoo is upgrading</title></head><body></body></html>'],
    [500, '<html><head><title>500 Internal Server Error</title></head></html>'],
    [502, '<html><head><title>502 Bad Gateway</title></head></html>'],
  ])('an HTML page with status %i is an OdooTransientError', async (status, body) => {
    reply = () => ({ status, headers: { 'Content-Type': 'text/html' }, body });
    const err = await failure();
    expect(err).toBeInstanceOf(OdooTransientError);
    expect(err.httpStatus).toBe(status);
  });

  it('a valid value with status 500 is not trusted', async () => {
    reply = () => ({ status: 500, body: partners });
    const err = await failure();
    expect(err.httpStatus).toBe(500);
  });

  it('a fault with status 500 is still the fault', async () => {
    reply = () => ({ status: 500, body: "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member><member><name>faultString</name><value><string>You are not allowed to access 'Contact' (res.partner) records.</string></value></member></struct></value></fault></methodResponse>" });
    const err = await failure();
    expect(err.name).toBe('OdooAccessError');
  });

  it('a body cut by a closed connection is a transient failure', async () => {
    // announces the whole body, sends part of it, then closes the connection
    const cutting = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/xmlrpc/2/common') return res.end(responseOf('<value><int>2</int></value>', PYTHON_STYLE));
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(partners) });
        res.write(partners.slice(0, 200), () => res.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => cutting.listen(0, '127.0.0.1', resolve));
    const cutClient = createOdooClient({ url: `http://127.0.0.1:${(cutting.address() as AddressInfo).port}`, db: 'odoo_demo', username: 'admin', password: 'pw-fuzz-secret', transport: 'xmlrpc', retries: 0, timeoutMs: 5000 });
    try {
      const err = await cutClient.searchRead('res.partner', { fields: ['name'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OdooTransientError);
      expect((err as Error).message).toContain('res.partner.search_read');
    } finally {
      cutClient.close();
      cutting.closeAllConnections();
      await new Promise((resolve) => cutting.close(resolve));
    }
  });

  it('200 random mutations of a real answer: each one a typed OdooError or the value the reference reads', async () => {
    const [, body] = recordedBodies().find(([name]) => name === '18.0/raw/res.partner.search_read.response.xml')!;
    const r = rng(20);
    for (let n = 0; n < 200; n++) {
      const mutated = mutate(r, body);
      reply = () => ({ body: mutated });
      const result = await call().then(
        (value) => ({ ok: true as const, value }),
        (err: unknown) => ({ ok: false as const, err }),
      );
      if (result.ok) {
        expect(await referenceDecode(mutated), `mutation ${n}\n${mutated}`).toStrictEqual({ kind: 'value', value: result.value });
      } else {
        expect(result.err, `mutation ${n}`).toBeInstanceOf(OdooError);
        expect((result.err as Error).message).toContain('res.partner.search_read');
      }
    }
  });
});
