// The web client's version probes, on every version: `GET /web/version` and the JSON-RPC
// `/web/webclient/version_info` (which answers whatever the envelope, echoing its id).
import type http from 'node:http';
import { loadVersionFile } from '../versions.ts';
import { pyJson, type WireValue } from '../xmlrpc-codec.ts';
import type { ServerContext } from './context.ts';
import { SERVER_HEADER } from './responses.ts';

export const WEB_VERSION_PATHS = new Set(['/web/version', '/web/webclient/version_info']);

export function handleWebVersion(ctx: ServerContext, path: string, body: string, res: http.ServerResponse): void {
  const v = loadVersionFile<{ server_version: string; server_version_info: WireValue[]; server_serie: string; protocol_version: number }>(ctx.version, 'version.json');
  ctx.counter.hit(`web:version`);
  let payload: WireValue;
  if (path === '/web/version') payload = { version_info: v.server_version_info, version: v.server_version };
  else {
    let id: WireValue = null;
    try {
      id = (JSON.parse(body || '{}') as { id?: WireValue }).id ?? null;
    } catch {
      /* Odoo answers the version whatever the envelope */
    }
    payload = { jsonrpc: '2.0', id, result: v as unknown as WireValue };
  }
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', Server: SERVER_HEADER });
  res.end(pyJson(payload));
}
