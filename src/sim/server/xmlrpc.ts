// XML-RPC `/xmlrpc/2/<service>`: common (version, login, authenticate, about), db (list, server_version)
// and object (execute_kw / execute into the ORM), answering faults as Odoo's dispatcher does.
import type http from 'node:http';
import { faults, OdooFault } from '../faults.ts';
import { PUBLIC_METHODS, type SimUser } from '../orm.ts';
import { loadVersionFile } from '../versions.ts';
import { faultResponse, methodResponse, parseMethodCall, XmlRpcParseError, type WireValue } from '../xmlrpc-codec.ts';
import { envelopeOf, type ServerContext } from './context.ts';
import { afterRecordCost } from './record-cost.ts';
import { SERVER_HEADER, transportFault } from './responses.ts';

function sendXml(res: http.ServerResponse, xml: string): void {
  const buf = Buffer.from(xml, 'utf8');
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(buf.length), Server: SERVER_HEADER });
  res.end(buf);
}

export function handleXmlRpc(ctx: ServerContext, service: string, body: string, res: http.ServerResponse): void {
  const envelope = envelopeOf(ctx.version);
  let call: { method: string; params: unknown[] };
  try {
    call = parseMethodCall(body);
  } catch (e) {
    return sendXml(res, faultResponse(1, `${e instanceof XmlRpcParseError ? 'ExpatError' : 'Error'}: ${(e as Error).message}`, envelope));
  }
  const p = call.params;
  const isObject = service === 'object' && (call.method === 'execute_kw' || call.method === 'execute');
  const model = isObject ? String(p[3]) : undefined;
  const method = isObject ? String(p[4]) : call.method;
  ctx.counter.hit(`${model ?? service}:${method}`);
  const injected = ctx.injector.pick(method, model);
  if (transportFault(injected, res)) return;
  try {
    if (injected === 'serialization') throw faults.serialization();
    if (injected === 'accessDenied') throw faults.accessDenied();
    const result = dispatch(ctx, service, call.method, p);
    afterRecordCost(ctx, result, () => sendXml(res, methodResponse(result, envelope)));
  } catch (e) {
    if (e instanceof OdooFault) return sendXml(res, faultResponse(e.faultCode, e.faultString, envelope));
    throw e;
  }
}

function checkDb(ctx: ServerContext, name: unknown): void {
  if (name !== ctx.db) throw faults.unknownDatabase(ctx.version, String(name));
}

function login(ctx: ServerContext, login: unknown, password: unknown): number | false {
  const u = ctx.users.find((x) => x.login === login && (x.password === password || x.apiKey === password));
  return u ? u.uid : false;
}

function userFor(ctx: ServerContext, uid: unknown, secret: unknown): SimUser | undefined {
  return ctx.users.find((u) => u.uid === uid && (secret === u.password || secret === u.apiKey));
}

function dispatch(ctx: ServerContext, service: string, method: string, p: unknown[]): WireValue {
  if (service === 'common') {
    if (method === 'version') return loadVersionFile<WireValue>(ctx.version, 'version.json');
    if (method === 'login' || method === 'authenticate') {
      checkDb(ctx, p[0]);
      return login(ctx, p[1], p[2]);
    }
    if (method === 'about') return 'See http://openerp.com';
    throw faults.valueError(`Method not available ${method}`);
  }
  if (service === 'db') {
    if (method === 'list') return [ctx.db];
    if (method === 'server_version') return ctx.version;
    throw faults.valueError(`Method not available ${method}`);
  }
  if (service === 'object' && (method === 'execute_kw' || method === 'execute')) {
    checkDb(ctx, p[0]);
    const user = userFor(ctx, p[1], p[2]);
    if (!user) throw faults.accessDenied();
    const model = String(p[3]);
    const name = String(p[4]);
    const args = method === 'execute_kw' ? (Array.isArray(p[5]) ? p[5] : []) : p.slice(5);
    const kwargs = method === 'execute_kw' && p[6] && typeof p[6] === 'object' ? (p[6] as Record<string, unknown>) : {};
    return execute(ctx, user, model, name, args, kwargs);
  }
  throw faults.valueError(`Method not available ${method}`);
}

function execute(ctx: ServerContext, user: SimUser, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): WireValue {
  if (!ctx.data.table(model)) throw faults.unknownModel(ctx.version, model);
  if (method.startsWith('_')) throw faults.privateMethod(ctx.version, model, method);
  if (!PUBLIC_METHODS.has(method)) throw faults.unknownMethod(ctx.version, model, method);
  const context = kwargs.context && typeof kwargs.context === 'object' ? (kwargs.context as Record<string, unknown>) : {};
  return ctx.orm.call(user, model, method, ctx.orm.bind(method, args, kwargs), context);
}
