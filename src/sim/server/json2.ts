// JSON-2 (Odoo 19): `POST /json/2/<model>/<method>` with a bearer API key, the keyword arguments as a JSON
// object and an optional X-Odoo-Database; errors are the recorded bodies of a real 19 server.
import type http from 'node:http';
import { faults, OdooFault } from '../faults.ts';
import { MODEL_METHODS, PUBLIC_METHODS } from '../orm.ts';
import { loadVersionFile, type OdooVersion } from '../versions.ts';
import { pyJson, type WireValue } from '../xmlrpc-codec.ts';
import type { ServerContext } from './context.ts';
import { afterRecordCost } from './record-cost.ts';
import { SERVER_HEADER, transportFault } from './responses.ts';

interface Json2Recorded {
  status: number;
  reason: string;
  wwwAuthenticate?: string;
  body: { name: string; message: string; arguments: unknown[]; context: unknown; debug: string };
}

const recordedErrors = new Map<OdooVersion, Record<string, Json2Recorded>>();
function recorded(version: OdooVersion): Record<string, Json2Recorded> {
  let errors = recordedErrors.get(version);
  if (!errors) recordedErrors.set(version, (errors = loadVersionFile<Record<string, Json2Recorded>>(version, 'json2-errors.json')));
  return errors;
}

/** A recorded error case, its message replaced (also inside the traceback) when the call differs. */
function sendRecordedError(ctx: ServerContext, res: http.ServerResponse, kase: string, message?: string): void {
  const rec = recorded(ctx.version)[kase]!;
  const body = { ...rec.body };
  if (message !== undefined && message !== rec.body.message) {
    body.debug = body.debug.split(rec.body.message).join(message);
    body.arguments = rec.body.arguments.map((a) => (a === rec.body.message ? message : a));
    body.message = message;
  }
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', Server: SERVER_HEADER };
  if (rec.wwwAuthenticate !== undefined) headers['WWW-Authenticate'] = rec.wwwAuthenticate;
  res.writeHead(rec.status, headers);
  res.end(pyJson(body as unknown as WireValue));
}

function sendFault(res: http.ServerResponse, f: OdooFault): void {
  const { status, name, message } = f.json2;
  const isHttp = name.startsWith('werkzeug.');
  const debug = f.faultString.startsWith('Traceback') ? f.faultString : `Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/addons/rpc/controllers/json2.py", line 86, in web_json_2_rpc\n    result = func(records, **kwargs)\n${name}: ${isHttp ? `${status} ` : ''}${message}\n`;
  const body = { name, message, arguments: isHttp ? [message, status] : [message], context: {}, debug };
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', Server: SERVER_HEADER });
  res.end(pyJson(body));
}

export function handleJson2(ctx: ServerContext, req: http.IncomingMessage, rest: string, body: string, res: http.ServerResponse): void {
  const [model = '', method, ...extra] = rest.split('/');
  ctx.counter.hit(`${model}:${method ?? ''}`);
  const injected = ctx.injector.pick(method ?? '', model);
  if (transportFault(injected, res)) return;
  if (!method || extra.length > 0) return sendRecordedError(ctx, res, 'error_no_method_in_path');
  const auth = req.headers.authorization ?? '';
  const m = /^bearer\s+(.+)$/i.exec(auth);
  if (!m) return sendRecordedError(ctx, res, 'error_no_authorization');
  const user = ctx.users.find((u) => u.apiKey === m[1]!.trim());
  if (!user || injected === 'accessDenied') return sendRecordedError(ctx, res, 'error_bad_api_key');
  const dbHeader = req.headers['x-odoo-database'];
  if (dbHeader !== undefined && dbHeader !== ctx.db) return sendFault(res, faults.unknownDatabase(ctx.version, String(dbHeader)));
  let params: Record<string, unknown>;
  try {
    const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    params = parsed as Record<string, unknown>;
  } catch {
    return sendRecordedError(ctx, res, 'error_invalid_json');
  }
  try {
    if (injected === 'serialization') throw faults.serialization();
    if (!ctx.data.table(model)) throw faults.unknownModel(ctx.version, model);
    if (method.startsWith('_')) throw faults.privateMethod(ctx.version, model, method);
    if (!PUBLIC_METHODS.has(method)) throw faults.unknownMethod(ctx.version, model, method);
    const { ids, context, ...kwargs } = params;
    if (ids !== undefined && MODEL_METHODS.has(method)) return sendRecordedError(ctx, res, 'error_ids_on_model_method', `cannot call ${model}.${method} with ids`);
    if (method === 'default_get' && kwargs.fields === undefined) return sendRecordedError(ctx, res, 'error_missing_argument', "missing a required argument: 'fields'");
    let bound: Record<string, unknown>;
    try {
      // Record methods take the path's ids as their first argument.
      bound = ctx.orm.bind(method, [], method === 'read' || method === 'write' || method === 'unlink' ? { ...kwargs, ids: ids ?? [] } : kwargs);
    } catch (e) {
      const arg = /unexpected keyword argument '([^']+)'/.exec((e as Error).message)?.[1] ?? '';
      if (method === 'search_read') throw faults.typeError(`BaseModel._read_format() got an unexpected keyword argument '${arg}'`);
      return sendRecordedError(ctx, res, 'error_unexpected_argument_strict', `got an unexpected keyword argument '${arg}'`);
    }
    const callContext = context && typeof context === 'object' ? (context as Record<string, unknown>) : {};
    const result = ctx.orm.call(user, model, method, bound, callContext);
    const out = Buffer.from(pyJson(result), 'utf8');
    afterRecordCost(ctx, result, () => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(out.length), Server: SERVER_HEADER });
      res.end(out);
    });
  } catch (e) {
    if (e instanceof OdooFault) return sendFault(res, e);
    throw e;
  }
}
