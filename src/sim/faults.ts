// Odoo's faults, rebuilt from the recorded ones of each version: the recorded faultString (traceback and
// all) with the model, field, method, leaf or database of the actual call substituted. Codes as Odoo uses
// them: 1 generic exception, 2 missing model, 3 AccessDenied, 4 AccessError / private method.
import { loadVersionFile, type OdooVersion } from './versions.ts';
import { leafRepr } from './pyrepr.ts';

export class OdooFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
    /** Where the JSON-2 endpoint maps it (name, HTTP status, message). */
    readonly json2: { status: number; name: string; message: string },
  ) {
    super(faultString);
  }
}

type Recorded = Record<string, { faultCode: number | null; faultString: string | null }>;
const cache = new Map<OdooVersion, Recorded>();

function recorded(version: OdooVersion, kase: string): string {
  const s = recordedOrNull(version, kase);
  if (!s) throw new Error(`no recorded fault ${kase} for ${version}`);
  return s;
}

function recordedOrNull(version: OdooVersion, kase: string): string | null {
  let all = cache.get(version);
  if (!all) {
    all = loadVersionFile<Recorded>(version, 'faults.json');
    cache.set(version, all);
  }
  return all[kase]?.faultString ?? null;
}

function replaceAll(s: string, pairs: [string, string][]): string {
  for (const [from, to] of pairs) s = s.split(from).join(to);
  return s;
}

/** The last line of a traceback-shaped faultString (the exception itself). */
function lastLine(s: string): string {
  const lines = s.trimEnd().split('\n');
  return lines[lines.length - 1] ?? s;
}

function stripExceptionName(line: string): string {
  return line.replace(/^[\w.]+: /, '');
}

export const faults = {
  accessDenied(): OdooFault {
    return new OdooFault(3, 'Access Denied', { status: 401, name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey' });
  },
  unknownModel(v: OdooVersion, model: string): OdooFault {
    const s = replaceAll(recorded(v, 'execute_kw_unknown_model'), [['no.such.model', model]]);
    return new OdooFault(2, s, { status: 404, name: 'werkzeug.exceptions.NotFound', message: `the model '${model}' does not exist` });
  },
  unknownField(v: OdooVersion, model: string, field: string): OdooFault {
    const s = replaceAll(recorded(v, 'search_read_unknown_field'), [["'no_such_field'", `'${field}'`], ["'res.partner'", `'${model}'`]]);
    return new OdooFault(1, s, { status: 500, name: 'builtins.ValueError', message: stripExceptionName(lastLine(s)) });
  },
  unknownFieldInDomain(v: OdooVersion, model: string, field: string, leaf: unknown[]): OdooFault {
    const s = replaceAll(recorded(v, 'search_read_unknown_field_in_domain'), [
      ["('no_such_field', '=', 1)", leafRepr(leaf)],
      ['res.partner.no_such_field', `${model}.${field}`],
    ]);
    return new OdooFault(1, s, { status: 500, name: 'builtins.ValueError', message: stripExceptionName(lastLine(s)) });
  },
  invalidLeaf(v: OdooVersion, leaf: unknown): OdooFault {
    const repr = Array.isArray(leaf) ? leafRepr(leaf) : String(leaf);
    const s = replaceAll(recorded(v, 'search_read_invalid_operator'), [["('name', 'bogus_op', 'x')", repr]]);
    return new OdooFault(1, s, { status: 500, name: 'builtins.ValueError', message: stripExceptionName(lastLine(s)) });
  },
  unknownMethod(v: OdooVersion, model: string, method: string): OdooFault {
    const s = replaceAll(recorded(v, 'unknown_method'), [
      ["'res.partner.no_such_method'", `'${model}.${method}'`],
      ["'no_such_method'", `'${method}'`],
      ["'res.partner'", `'${model}'`],
    ]);
    return new OdooFault(1, s, { status: 404, name: 'werkzeug.exceptions.NotFound', message: `The method '${model}.${method}' does not exist` });
  },
  privateMethod(v: OdooVersion, model: string, method: string): OdooFault {
    const s = replaceAll(recorded(v, 'private_method'), [
      ["'res.partner._search'", `'${model}.${method}'`],
      ['_search', method],
    ]);
    return new OdooFault(4, s, {
      status: 403,
      name: 'odoo.exceptions.AccessError',
      message: `Private methods (such as '${model}.${method}') cannot be called remotely.`,
    });
  },
  unknownDatabase(v: OdooVersion, db: string): OdooFault {
    const s = replaceAll(recorded(v, 'unknown_database'), [['"no_such_db"', `"${db}"`]]);
    return new OdooFault(1, s, { status: 404, name: 'werkzeug.exceptions.NotFound', message: `database "${db}" does not exist` });
  },
  /** Model-level access error (no ACL for the user's groups). */
  accessModel(v: OdooVersion, model: string, description: string, group: string): OdooFault {
    const own = recordedOrNull(v, `demo_access_${model.replace(/\./g, '_')}`);
    if (own) return new OdooFault(4, own, { status: 403, name: 'odoo.exceptions.AccessError', message: own });
    const s = recorded(v, 'demo_access_ir_model')
      .replace("'Models' (ir.model)", `'${description}' (${model})`)
      .replace(/\t- [^\n]*/, `\t- ${group}`);
    return new OdooFault(4, s, { status: 403, name: 'odoo.exceptions.AccessError', message: s });
  },
  /** Field-level access error (fields with `groups=`), as 18 and 19 word it; null where the version lets it pass. */
  accessFields(v: OdooVersion, model: string, description: string, fields: string[], uid: number): OdooFault | null {
    let s: string;
    if (v === '19.0') {
      s = `The fields “${fields.join(',')}”, which you are trying to read, are not available for employee public profiles.`;
    } else if (v === '18.0') {
      const group = 'Employees / Officer: Manage all employees';
      s =
        `You do not have enough rights to access the fields "${fields.join(',')}" on ${description} (${model}). ` +
        `Please contact your system administrator.\n\nOperation: read\nUser: ${uid}\nFields:\n` +
        [...fields].sort().map((f) => `- ${f} (allowed for groups '${group}')`).join('\n');
    } else {
      return null;
    }
    return new OdooFault(4, s, { status: 403, name: 'odoo.exceptions.AccessError', message: s });
  },
  invalidCompanies(): OdooFault {
    const s = 'Access to unauthorized or invalid companies.';
    return new OdooFault(4, s, { status: 403, name: 'odoo.exceptions.AccessError', message: s });
  },
  /** PostgreSQL serialization failure surfacing as a fault (Odoo gives up after its own retries). */
  serialization(): OdooFault {
    const s =
      'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 152, in retrying\n' +
      '    result = func()\n             ^^^^^^\n' +
      'psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update\n';
    return new OdooFault(1, s, { status: 500, name: 'psycopg2.errors.SerializationFailure', message: 'could not serialize access due to concurrent update' });
  },
  typeError(message: string): OdooFault {
    return new OdooFault(1, `TypeError: ${message}`, { status: 500, name: 'builtins.TypeError', message });
  },
  valueError(message: string): OdooFault {
    return new OdooFault(1, `ValueError: ${message}`, { status: 500, name: 'builtins.ValueError', message });
  },
};
