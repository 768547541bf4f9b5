// The dedicated XML-RPC response decoder gives exactly the values the `xmlrpc` package's sax reader gave
// (the decoder it replaced): on every recorded Odoo 16–19 response, on hand-picked shapes (nil, base64,
// dates, nested structs, non-ASCII, empty arrays, empty strings) and on thousands of generated values.
import { describe, expect, it } from 'vitest';
import { decodeMethodResponse, XmlRpcDecodeError, type MethodResponse } from '../../src/odoo/xmlrpc-decode.ts';
import { COMPACT_STYLE, faultOf, PYTHON_STYLE, randomValue, recordedBodies, referenceDecode, responseOf, rng, type Reference } from './xmlrpc-values.ts';

const asReference = (r: MethodResponse): Reference => (r.kind === 'value' ? { kind: 'value', value: r.value } : r);
const decoded = (body: string): unknown => {
  const r = decodeMethodResponse(body);
  if (r.kind !== 'value') throw new Error('expected a value');
  return r.value;
};
const value = (xml: string): unknown => decoded(responseOf(`<value>${xml}</value>`, PYTHON_STYLE));

describe('recorded Odoo responses', () => {
  const bodies = recordedBodies();
  it('are all here (16.0–19.0, search_read answers and faults)', () => {
    const versions = new Set(bodies.map(([name]) => name.split('/')[0]));
    expect([...versions]).toEqual(['16.0', '17.0', '18.0', '19.0']);
    expect(bodies.filter(([name]) => name.includes('/raw/')).length).toBeGreaterThanOrEqual(100);
    expect(bodies.filter(([name]) => name.includes('/faults/')).length).toBeGreaterThanOrEqual(60);
  });

  it.each(bodies)('%s decodes as the xmlrpc package decoded it', async (_name, body) => {
    const reference = await referenceDecode(body);
    expect(reference.kind).not.toBe('error');
    expect(asReference(decodeMethodResponse(body))).toStrictEqual(reference);
  });

  it('faults carry faultCode and faultString', () => {
    const [, body] = bodies.find(([name]) => name === '17.0/faults/execute_kw_unknown_model.response.xml')!;
    expect(decodeMethodResponse(body)).toStrictEqual({ kind: 'fault', faultCode: 2, faultString: "Object no.such.model doesn't exist" });
  });

  it('non-ASCII text survives (UTF-8 bodies, accents, CJK)', () => {
    const nonAscii = bodies.filter(([, body]) => /[^\x00-\x7f]/.test(body));
    expect(nonAscii.length).toBeGreaterThan(5);
    for (const [, body] of nonAscii) {
      const text = JSON.stringify(decodeMethodResponse(body));
      for (const ch of body.match(/[^\x00-\x7f]/g)!) expect(text).toContain(ch);
    }
  });
});

describe('value shapes', () => {
  it.each([
    ['<nil/>', null],
    ['<nil></nil>', null],
    ['<boolean>1</boolean>', true],
    ['<boolean>0</boolean>', false],
    ['<int>-42</int>', -42],
    ['<i4>2147483647</i4>', 2147483647],
    ['<i8>9223372036854775807</i8>', '9223372036854775807'],
    ['<double>0.0</double>', 0],
    ['<double>-0.0</double>', -0],
    ['<double>1e+16</double>', 1e16],
    ['<double>12.5</double>', 12.5],
    ['<string></string>', ''],
    ['<string/>', ''],
    ['', ''],
    ['plain text, untyped', 'plain text, untyped'],
    ['  spaced  ', '  spaced  '],
    ['<string>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos; &#233;&#xe9; &#128512;</string>', 'a & b <c> "q" \'s\' éé 😀'],
    ['<string>line 1\r\nline 2\ttab</string>', 'line 1\r\nline 2\ttab'],
    ['<string>Ça coûte 12,50 € — 中文 😀</string>', 'Ça coûte 12,50 € — 中文 😀'],
    ['<string><![CDATA[<b>&amp;</b>]]></string>', '<b>&amp;</b>'],
    ['<array><data></data></array>', []],
    ['<array><data>\n</data></array>', []],
    ['<array><data/></array>', []],
    ['<struct></struct>', {}],
    ['<array><data><value><int>7</int></value><value><string>Shop</string></value></data></array>', [7, 'Shop']],
    [
      '<struct><member><name>line</name><value><struct><member><name>tags</name><value><array><data><value><array><data></data></array></value></data></array></value></member></struct></value></member></struct>',
      { line: { tags: [[]] } },
    ],
  ])('%s', async (xml, expected) => {
    expect(value(xml)).toStrictEqual(expected);
    const reference = await referenceDecode(responseOf(`<value>${xml}</value>`, PYTHON_STYLE));
    expect(reference).toStrictEqual({ kind: 'value', value: expected });
  });

  it('base64 is a Buffer, across the 76-character lines Python writes', async () => {
    const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256));
    const text = bytes.toString('base64').match(/.{1,76}/g)!.join('\n');
    const got = value(`<base64>\n${text}\n</base64>`);
    expect(Buffer.isBuffer(got)).toBe(true);
    expect(got).toStrictEqual(bytes);
    expect((await referenceDecode(responseOf(`<value><base64>\n${text}\n</base64></value>`, PYTHON_STYLE)))).toStrictEqual({ kind: 'value', value: bytes });
  });

  it('dateTime.iso8601 is a Date read as the xmlrpc package reads it', async () => {
    for (const text of ['20260102T03:04:05', '2026-01-02T03:04:05Z', '20260102T030405+02:00']) {
      const xml = `<dateTime.iso8601>${text}</dateTime.iso8601>`;
      const got = value(xml);
      expect(got).toBeInstanceOf(Date);
      expect(await referenceDecode(responseOf(`<value>${xml}</value>`, PYTHON_STYLE))).toStrictEqual({ kind: 'value', value: got });
    }
    expect((value('<dateTime.iso8601>2026-01-02T03:04:05Z</dateTime.iso8601>') as Date).toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('an empty string and a missing member differ', () => {
    const got = value('<struct><member><name>ref</name><value><string></string></value></member></struct>') as Record<string, unknown>;
    expect(got).toStrictEqual({ ref: '' });
    expect('missing' in got).toBe(false);
  });

  it('a member named __proto__ is an own property, not the prototype', () => {
    const got = value('<struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value><boolean>1</boolean></value></member></struct></value></member></struct>') as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.keys(got)).toEqual(['__proto__']);
    expect((got as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reads a fault', () => {
    expect(decodeMethodResponse(faultOf(1, 'ValueError: <bad> & worse', PYTHON_STYLE))).toStrictEqual({ kind: 'fault', faultCode: 1, faultString: 'ValueError: <bad> & worse' });
  });

  it('accepts a byte-order mark, either XML declaration, comments and whitespace between elements', () => {
    const body = '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi -->\n<methodResponse> <params>\n\t<param> <value> <int>3</int> </value> </param> </params> </methodResponse>\n\n';
    expect(decodeMethodResponse(body)).toStrictEqual({ kind: 'value', value: 3 });
  });
});

describe('generated values (property test against the xmlrpc package)', () => {
  it.each([
    ['Python layout', PYTHON_STYLE, 1],
    ['compact layout', COMPACT_STYLE, 2],
  ])('%s: 1500 random documents decode identically', async (_name, style, seed) => {
    const r = rng(seed);
    for (let n = 0; n < 1500; n++) {
      const body = responseOf(randomValue(r, style), style);
      const reference = await referenceDecode(body, r.int(1, 64));
      let ours: Reference;
      try {
        ours = asReference(decodeMethodResponse(body));
      } catch (err) {
        throw new Error(`document ${n} (seed ${seed}) failed to decode: ${(err as Error).message}\n${body}`);
      }
      if (reference.kind === 'error') throw new Error(`the reference rejects document ${n} (seed ${seed}): ${reference.message}\n${body}`);
      expect(ours, `document ${n} (seed ${seed})\n${body}`).toStrictEqual(reference);
    }
  });
});

describe('what the old reader accepted silently and this one refuses', () => {
  it.each([
    ['<int>12abc</int>', /<int> holds "12abc"/],
    ['<int>99999999999999999999</int>', /not an integer/],
    ['<int></int>', /not an integer/],
    ['<double>1.5x</double>', /not a number/],
    ['<boolean>true</boolean>', /not 0 or 1/],
    ['<i8> 5</i8>', /not an integer/],
    ['<string>a &nbsp; b</string>', /unknown entity/],
    ['<string>fish & chips</string>', /bare "&"/],
    ['<string>&#0;</string>', /not a character/],
    ['<dateTime.iso8601>20261399T99:99:99</dateTime.iso8601>', /not a valid date/],
    ['<dateTime.iso8601>garbage 20260101T00:00:00</dateTime.iso8601>', /not an ISO 8601 date/],
    ['<base64>!!!!</base64>', /outside base64/],
    ['<struct><member><value><int>1</int></value><name>a</name></member></struct>', /expected <name>/],
    ['<unknown>1</unknown>', /unknown XML-RPC type <unknown>/],
    ['x<int>1</int>', /text before a typed value/],
  ])('%s', (xml, message) => {
    expect(() => value(xml)).toThrow(XmlRpcDecodeError);
    expect(() => value(xml)).toThrow(message);
  });

  it('refuses a second param, trailing content, a doctype, and deep nesting', () => {
    const two = "<?xml version='1.0'?><methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>";
    expect(() => decodeMethodResponse(two)).toThrow(/more than one param/);
    expect(() => decodeMethodResponse(`${responseOf('<value>1</value>', PYTHON_STYLE)}<extra/>`)).toThrow(/after the response/);
    expect(() => decodeMethodResponse('<!DOCTYPE x [<!ENTITY a "b">]><methodResponse/>')).toThrow(/unsupported markup/);
    const deep = `${'<value><array><data>'.repeat(300)}${'</data></array></value>'.repeat(300)}`;
    expect(() => decodeMethodResponse(responseOf(deep, PYTHON_STYLE))).toThrow(/nested deeper than 256/);
  });
});
