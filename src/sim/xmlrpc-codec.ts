// The XML-RPC wire format as Python's `xmlrpc.client` (and so Odoo) writes it, byte for byte: one element per
// line, `<boolean>0</boolean>` for False, floats in Python's repr (`0.0`, `1e+16`), integers beyond the 32-bit
// range as `<double>` (Odoo's own workaround for `int exceeds XML-RPC limits`), faults as a struct.
// Parsing is a small tolerant reader of `<methodCall>` documents (no DTDs, no namespaces needed).

/** A value that must go out as a float even when it is integral (Odoo float/monetary fields: `0.0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type WireValue = null | undefined | boolean | number | string | PyFloat | WireValue[] | { [k: string]: WireValue };

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** Python's `repr(float)`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[-+]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function dumpValue(v: WireValue, out: string[]): void {
  if (v === null || v === undefined || v === false) {
    out.push('<value><boolean>0</boolean></value>\n');
  } else if (v === true) {
    out.push('<value><boolean>1</boolean></value>\n');
  } else if (typeof v === 'number') {
    if (Number.isInteger(v) && v <= INT_MAX && v >= INT_MIN) out.push(`<value><int>${v}</int></value>\n`);
    else out.push(`<value><double>${pyFloatRepr(v)}</double></value>\n`);
  } else if (v instanceof PyFloat) {
    out.push(`<value><double>${pyFloatRepr(v.value)}</double></value>\n`);
  } else if (typeof v === 'string') {
    out.push(`<value><string>${escape(v)}</string></value>\n`);
  } else if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const item of v) dumpValue(item, out);
    out.push('</data></array></value>\n');
  } else {
    out.push('<value><struct>\n');
    for (const [k, item] of Object.entries(v)) {
      out.push(`<member>\n<name>${escape(k)}</name>\n`);
      dumpValue(item, out);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
}

/**
 * Envelope style: 16/17 use Python's `xmlrpc.client.dumps` as is; 18+ wrap it themselves, which gives a
 * double-quoted XML declaration and an empty line before `</methodResponse>`.
 */
export type EnvelopeStyle = 'python' | 'odoo18';

function envelope(style: EnvelopeStyle, inner: string[], tag: 'params' | 'fault'): string {
  const decl = style === 'python' ? "<?xml version='1.0'?>" : '<?xml version="1.0"?>';
  const open = tag === 'params' ? '<params>\n<param>\n' : '<fault>\n';
  const close = tag === 'params' ? '</param>\n</params>\n' : '</fault>\n';
  return `${decl}\n<methodResponse>\n${open}${inner.join('')}${close}${style === 'python' ? '' : '\n'}</methodResponse>\n`;
}

export function methodResponse(result: WireValue, style: EnvelopeStyle = 'python'): string {
  const out: string[] = [];
  dumpValue(result, out);
  return envelope(style, out, 'params');
}

export function faultResponse(faultCode: number, faultString: string, style: EnvelopeStyle = 'python'): string {
  const out: string[] = [];
  dumpValue({ faultCode, faultString }, out);
  return envelope(style, out, 'fault');
}

/** Python-style JSON (`json.dumps`): floats keep their `.0`. Used by the JSON-2 endpoint. */
export function pyJson(v: WireValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ')}}`;
}

// ---- parsing -------------------------------------------------------------------------------------------

interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

export class XmlRpcParseError extends Error {}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack: XmlNode[] = [root];
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[5] !== undefined) top.text += decodeEntities(m[5]);
    else if (m[3] !== undefined) {
      if (m[2] === '/') {
        if (top.name !== m[3]) throw new XmlRpcParseError(`mismatched tag </${m[3]}>`);
        stack.pop();
      } else {
        const node: XmlNode = { name: m[3], children: [], text: '' };
        top.children.push(node);
        if (m[4] !== '/') stack.push(node);
      }
    }
  }
  if (stack.length !== 1) throw new XmlRpcParseError('unclosed tags');
  return root;
}

function toValue(node: XmlNode): unknown {
  const typed = node.children[0];
  if (!typed) return node.text; // <value>text</value> is a string
  const text = typed.text;
  switch (typed.name) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8':
      return parseInt(text.trim(), 10);
    case 'double':
      return parseFloat(text.trim());
    case 'boolean':
      return text.trim() === '1';
    case 'nil':
      return null;
    case 'dateTime.iso8601':
    case 'base64':
      return text.trim();
    case 'array': {
      const data = typed.children.find((c) => c.name === 'data');
      return (data?.children ?? []).filter((c) => c.name === 'value').map(toValue);
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const member of typed.children.filter((c) => c.name === 'member')) {
        const name = member.children.find((c) => c.name === 'name');
        const value = member.children.find((c) => c.name === 'value');
        if (name && value) out[name.text] = toValue(value);
      }
      return out;
    }
    default:
      throw new XmlRpcParseError(`unknown XML-RPC type <${typed.name}>`);
  }
}

export function parseMethodCall(xml: string): { method: string; params: unknown[] } {
  const call = parseXml(xml).children.find((c) => c.name === 'methodCall');
  if (!call) throw new XmlRpcParseError('no <methodCall>');
  const method = call.children.find((c) => c.name === 'methodName')?.text.trim() ?? '';
  const params = call.children.find((c) => c.name === 'params');
  const values = (params?.children ?? [])
    .filter((p) => p.name === 'param')
    .map((p) => {
      const v = p.children.find((c) => c.name === 'value');
      return v ? toValue(v) : null;
    });
  return { method, params: values };
}
