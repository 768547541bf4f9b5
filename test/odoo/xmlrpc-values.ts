// Test material for the XML-RPC decoder: the `xmlrpc` package's own reader (the decoder it replaced, as the
// reference), a seeded random generator, and random values written as XML-RPC the way Python's marshaller
// writes them, with the variations other writers use (no newlines, untyped strings, character references,
// CDATA, comments, self-closed elements).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Deserializer = require('xmlrpc/lib/deserializer.js') as new () => {
  deserializeMethodResponse(stream: Readable, cb: (err: (Error & { faultCode?: unknown; faultString?: unknown }) | null, value?: unknown) => void): void;
};

export type Reference = { kind: 'value'; value: unknown } | { kind: 'fault'; faultCode: unknown; faultString: unknown } | { kind: 'error'; message: string };

/** What the `xmlrpc` package's sax reader makes of a response body (fed in chunks, as from a socket). */
export function referenceDecode(body: string, chunkSize = 4096): Promise<Reference> {
  const bytes = Buffer.from(body, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return new Promise((resolve) => {
    let settled = false;
    new Deserializer().deserializeMethodResponse(Readable.from(chunks), (err, value) => {
      if (settled) return;
      settled = true;
      if (!err) return resolve({ kind: 'value', value });
      if (err.faultCode !== undefined || err.faultString !== undefined) return resolve({ kind: 'fault', faultCode: err.faultCode, faultString: err.faultString });
      resolve({ kind: 'error', message: err.message });
    });
  });
}

const fixturesRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/odoo');

/** Every recorded XML-RPC response body in the repo: `{version}/{raw|faults}/{file}` → text. */
export function recordedBodies(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const version of readdirSync(fixturesRoot).filter((d) => /^\d+\.0$/.test(d)).sort()) {
    for (const kind of ['raw', 'faults']) {
      const dir = path.join(fixturesRoot, version, kind);
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.response.xml')).sort()) {
        out.push([`${version}/${kind}/${file}`, readFileSync(path.join(dir, file), 'utf8')]);
      }
    }
  }
  return out;
}

/** mulberry32: small, seeded, good enough to pick test cases reproducibly. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number): boolean => next() < p,
  };
}
export type Rng = ReturnType<typeof rng>;

/** A value and the XML of its `<value>` element, as one writer would put it. */
export interface Generated {
  xml: string;
}

const ALPHABET = [...'abcXYZ019 _-.,;:/()[]{}#%+*=?!@$^|~`"\'\t\n\r&<>', 'é', 'ß', 'Ω', '€', '中', '文', '😀', '𝄞', '\u00a0', '\u200b'];

function randomText(r: Rng, max = 24): string {
  const n = r.int(0, max);
  let s = '';
  for (let i = 0; i < n; i++) s += r.pick(ALPHABET);
  return s;
}

/** Escapes text for XML content: Python's three entities, sometimes more (quotes, character references). */
function escapeText(r: Rng, s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += r.chance(0.8) ? '&gt;' : '>';
    else if (ch === '"' && r.chance(0.3)) out += '&quot;';
    else if (ch === "'" && r.chance(0.3)) out += '&apos;';
    else if (ch.codePointAt(0)! > 127 && r.chance(0.3)) out += r.chance(0.5) ? `&#${ch.codePointAt(0)};` : `&#x${ch.codePointAt(0)!.toString(16)};`;
    else out += ch;
  }
  return out;
}

/** Text content split across entities, CDATA sections and comments the way other writers may put it. */
function textContent(r: Rng, s: string): string {
  if (s.length > 1 && !s.includes(']]>') && r.chance(0.1)) {
    const cut = r.int(0, s.length);
    // split on a code point boundary
    const chars = [...s];
    const at = Math.min(cut, chars.length);
    const head = chars.slice(0, at).join('');
    const tail = chars.slice(at).join('');
    return r.chance(0.5) ? `${escapeText(r, head)}<![CDATA[${tail}]]>` : `${escapeText(r, head)}<!-- note -->${escapeText(r, tail)}`;
  }
  return escapeText(r, s);
}

const pyRepr = (x: number): string => {
  if (Object.is(x, -0)) return '-0.0';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    return `${m}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
};

export interface Style {
  /** Newline after elements, as Python's marshaller. */
  nl: string;
}

/** A random `<value>…</value>` element. */
export function randomValue(r: Rng, style: Style, depth = 0): string {
  const { nl } = style;
  const leaf = depth >= 4 || r.chance(0.55);
  if (!leaf) {
    if (r.chance(0.5)) {
      const n = r.chance(0.15) ? 0 : r.int(1, 6);
      const items = Array.from({ length: n }, () => randomValue(r, style, depth + 1)).join('');
      if (n === 0 && r.chance(0.3)) return `<value><array><data/></array></value>${nl}`;
      return `<value><array><data>${nl}${items}</data></array></value>${nl}`;
    }
    const n = r.chance(0.15) ? 0 : r.int(1, 6);
    let members = '';
    for (let i = 0; i < n; i++) {
      let key = r.chance(0.7) ? r.pick(['id', 'name', 'write_date', 'partner_id', 'amount_total', '0', '12', 'x_studio_é', 'a b']) : randomText(r, 10);
      if (key === '__proto__') key = 'proto';
      members += `<member>${nl}<name>${escapeText(r, key)}</name>${nl}${randomValue(r, style, depth + 1)}</member>${nl}`;
    }
    return `<value><struct>${nl}${members}</struct></value>${nl}`;
  }
  switch (r.int(0, 10)) {
    case 0: {
      const n = r.chance(0.2) ? r.pick([0, -1, 2147483647, -2147483648]) : r.int(-100000, 100000);
      const tag = r.pick(['int', 'int', 'i4']);
      const text = r.chance(0.1) ? ` ${n} ` : r.chance(0.05) && n >= 0 ? `+${n}` : String(n);
      return `<value><${tag}>${text}</${tag}></value>${nl}`;
    }
    case 1:
      return `<value><i8>${r.pick(['0', '-1', '9007199254740993', '-9223372036854775808', '12345678901234567', String(r.int(-1e6, 1e6))])}</i8></value>${nl}`;
    case 2: {
      const x = r.pick([0, -0, 1, -1.5, 0.1, 1e16, 1.5e-5, 123456.789, 1e300, -2.2250738585072014e-308, r.next() * 1e6 - 5e5, r.next()]);
      const text = r.chance(0.1) ? r.pick([`${x}`, ` ${pyRepr(x)} `, x.toExponential()]) : pyRepr(x);
      return `<value><double>${text}</double></value>${nl}`;
    }
    case 3:
      return `<value><boolean>${r.pick(['0', '1'])}</boolean></value>${nl}`;
    case 4:
    case 5: {
      const s = randomText(r);
      if (s === '' && r.chance(0.3)) return `<value><string/></value>${nl}`;
      return `<value><string>${textContent(r, s)}</string></value>${nl}`;
    }
    case 6: {
      // untyped: the text is the string, spaces included
      const s = randomText(r);
      if (s === '' && r.chance(0.3)) return `<value/>${nl}`;
      return `<value>${textContent(r, s)}</value>${nl}`;
    }
    case 7:
      return `<value>${r.pick(['<nil/>', '<nil></nil>'])}</value>${nl}`;
    case 8: {
      const bytes = Buffer.from(Array.from({ length: r.int(0, 120) }, () => r.int(0, 255)));
      const b64 = bytes.toString('base64');
      // Python's encodebytes: lines of 76 characters, each ending in a newline
      const text = r.chance(0.5) ? (b64.match(/.{1,76}/g) ?? []).map((l) => `${l}\n`).join('') : b64;
      return `<value><base64>${nl}${text}</base64></value>${nl}`;
    }
    case 9: {
      const pad = (n: number) => String(n).padStart(2, '0');
      const [y, mo, d, h, mi, s] = [r.int(1970, 2099), r.int(1, 12), r.int(1, 28), r.int(0, 23), r.int(0, 59), r.int(0, 59)];
      const text = r.pick([`${y}${pad(mo)}${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`, `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}Z`, `${y}${pad(mo)}${pad(d)}T${pad(h)}${pad(mi)}${pad(s)}+02:00`]);
      return `<value><dateTime.iso8601>${text}</dateTime.iso8601></value>${nl}`;
    }
    default:
      return `<value><string>${escapeText(r, r.pick(['', ' ', 'draft', 'Ça coûte 12,50 €', 'a & b < c > d', '中文 😀', 'line 1\r\nline 2']))}</string></value>${nl}`;
  }
}

/** A whole method response around a `<value>` element, in Python's layout or a compact one. */
export function responseOf(valueXml: string, style: Style, decl = "<?xml version='1.0'?>"): string {
  const { nl } = style;
  return `${decl}${nl}<methodResponse>${nl}<params>${nl}<param>${nl}${valueXml}</param>${nl}</params>${nl}</methodResponse>${nl}`;
}

export function faultOf(code: number, text: string, style: Style): string {
  const { nl } = style;
  const s = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version='1.0'?>${nl}<methodResponse>${nl}<fault>${nl}<value><struct>${nl}<member>${nl}<name>faultCode</name>${nl}<value><int>${code}</int></value>${nl}</member>${nl}<member>${nl}<name>faultString</name>${nl}<value><string>${s}</string></value>${nl}</member>${nl}</struct></value>${nl}</fault>${nl}</methodResponse>${nl}`;
}

export const PYTHON_STYLE: Style = { nl: '\n' };
export const COMPACT_STYLE: Style = { nl: '' };
