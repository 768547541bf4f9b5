// The control API over HTTP: `POST /__sim/<action>` with a JSON array of the arguments (or one value)
// calls the Simulator method of that name and answers `{result}` (once settled, if it returns a promise;
// 400 `{error}` when it throws or rejects). The table below is the whole list: exposing a new method is one
// entry.
import type http from 'node:http';
import type { Simulator } from '../simulator.ts';
import { PyFloat } from '../xmlrpc-codec.ts';

export const CONTROL_ACTIONS = [
  // data, as Odoo's users and jobs would change it
  'create', 'write', 'setProperty', 'setUserCompany', 'archive', 'unlink', 'setQuantQuantity', 'mergeQuants', 'moveStock', 'stampAll',
  // the clock
  'setClock', 'advanceClock', 'now',
  // the server's behaviour (src/sim/settings.ts)
  'settings', 'configure', 'setLatency', 'setWorkers', 'load',
  // failures and counters
  'injectFault', 'clearFaults', 'callCounts', 'resetCounts',
  // webhooks (settled answers once every transaction has committed)
  'setWebhookOptions', 'webhookDeliveries', 'settled',
  // the truth, for assertions
  'records', 'read', 'checksum', 'models', 'info',
] as const satisfies readonly (keyof Simulator)[];

const ALLOWED = new Set<string>(CONTROL_ACTIONS);

export function handleControl(sim: Simulator, action: string, body: string, res: http.ServerResponse): void {
  const send = (status: number, payload: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(payload, (_k, v: unknown) => (v instanceof PyFloat ? v.value : v)));
  };
  if (!ALLOWED.has(action)) return send(404, { error: `unknown action ${action}` });
  try {
    const parsed: unknown = body.trim() === '' ? [] : JSON.parse(body);
    const args = Array.isArray(parsed) ? parsed : [parsed];
    const fn = (sim as unknown as Record<string, (...a: unknown[]) => unknown>)[action]!;
    const result = fn.apply(sim, args);
    // An action may wait for the simulator (a promise): the answer is sent when it settles.
    if (result instanceof Promise) return void result.then((r: unknown) => send(200, { result: r ?? null }), (e: Error) => send(400, { error: e.message }));
    send(200, { result: result ?? null });
  } catch (e) {
    send(400, { error: (e as Error).message });
  }
}
