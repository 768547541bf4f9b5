/**
 * The Odoo simulator: an HTTP server that answers like a real Odoo 16/17/18/19 server's external API over a
 * deterministic retail dataset, for tests, benchmarks and the demo.
 *
 *   const sim = await startSimulator({ version: '17.0', scale: 1, seed: 1 });
 *   // sim.url = 'http://127.0.0.1:PORT', sim.db = 'odoo'
 *   // sim.admin = { uid: 2, login: 'admin', password: 'admin', apiKey }   reads everything, all companies
 *   // sim.demo  = { uid: 6, login: 'demo',  password: 'demo',  apiKey }   restricted: access faults on
 *   //             ir.model, ir.config_parameter, purchase.order(.line); hr.employee private fields on 18/19
 *   await sim.close();
 *
 * Endpoints: XML-RPC `/xmlrpc/2/common` (version, login, authenticate), `/xmlrpc/2/object` (execute_kw /
 * execute: search, search_read, read, search_count, fields_get, check_access_rights; res.users.context_get),
 * `/xmlrpc/2/db` (list, server_version); on 19 JSON-2 `POST /json/2/<model>/<method>` (bearer API key,
 * optional X-Odoo-Database); `GET /web/version` and JSON-RPC `/web/webclient/version_info` on all.
 * Faults and JSON-2 errors are rebuilt from the recorded ones of each version (src/sim/fields/<version>/).
 *
 * Concurrency: one Node process. By default (`workers: 0`) every call is taken at once: the latencies of
 * concurrent calls overlap, their compute runs one after the other on the event loop. `workers: n` (option,
 * `odoo-etl sim --workers n`, or configure()) serves at most n calls at once and queues the others in arrival
 * order, as Odoo's prefork server with `--workers n` does; the latency is spent inside the worker. The
 * control API never queues.
 *
 * Control (in-process methods, also `POST /__sim/<action>` with a JSON array of the arguments, answering
 * `{result}`; the list is CONTROL_ACTIONS in src/sim/server/control.ts): create(model, values) → id; write(model, ids, values, {writeDate?}); archive(model, ids);
 * unlink(model, ids); stampAll(models?) (write_date = now on every record, as after a bulk import); setQuantQuantity(id, qty) and mergeQuants(ids) (no write_date change, no tombstone); moveStock({product, from, to, quantity, pickingType?}) (a done picking now: move line + quants written through the ORM);
 * setClock(date) / advanceClock(ms) / now(); settings() / configure({latencyMs?, workers?}) (the table of
 * src/sim/settings.ts), setLatency(ms), setWorkers(n), load() → {workers, busy, queued}; injectFault({kind, rate?, onCall?, times?,
 * method?, model?}) → id / clearFaults(id?); callCounts() keyed `model:method` (`common:authenticate`) /
 * resetCounts(); records(model) (raw truth), read(model, ids?, fields?) (Odoo shape); checksum().
 * Webhooks (Odoo 17+, src/sim/webhooks.ts): base.automation / ir.actions.server (state 'webhook') rules
 * created through the API (create/write/unlink on execute_kw and JSON-2; base.automation only with the
 * `baseAutomation` option, default true; ir.module.module says whether base_automation is installed) POST
 * `{"_action", "_id", "_model"}` for every record a create/write touches, before the commit on 17/18, after
 * it on 19 (a record a create/write touches becomes visible at that commit). Options `webhooks: {lossProbability,
 * duplicateProbability, commitDelayMs, timing: 'version' | 'beforeCommit' | 'afterCommit', timeoutMs, seed}`,
 * changed later with setWebhookOptions(o); create/write take `{rollback: true}` (POST sent on 17/18, write
 * never applied); webhookDeliveries() lists every POST and its outcome; settled() resolves when every
 * transaction has committed (over HTTP, `POST /__sim/settled` answers then).
 * Values passed to create/write are raw: many2one as an id, many2many as an id list, datetimes as
 * 'YYYY-MM-DD HH:MM:SS' UTC.
 * Option `recordedRecords: { model: [records as search_read returned them] }` serves exactly those records
 * (at their ids) instead of the generated dataset (src/sim/recorded-records.ts).
 */
import { Simulator, type SimulatorOptions } from './simulator.ts';

export { Simulator, type SimulatorOptions, type Credentials } from './simulator.ts';
export type { FaultKind, FaultSpec } from './fault-injector.ts';
export type { SimSettings } from './settings.ts';
export type { Delivery, DeliveryOutcome, WebhookOptions } from './webhooks.ts';
export { ODOO_VERSIONS, parseVersion, type OdooVersion } from './versions.ts';

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(opts);
  await sim.listen();
  return sim;
}
