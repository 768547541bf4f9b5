import os from 'node:os';
import { Command, Flags } from '@oclif/core';
import { parseVersion, startSimulator } from '../../src/sim/index.ts';

export default class Sim extends Command {
  static override summary = 'Run the built-in Odoo simulator (XML-RPC, and JSON-2 on 19) over a deterministic retail dataset';
  static override description =
    'Starts an HTTP server that answers like a real Odoo server of the chosen version: XML-RPC /xmlrpc/2/common, ' +
    '/xmlrpc/2/object and /xmlrpc/2/db, JSON-2 POST /json/2/<model>/<method> on 19, with the recorded fields_get of that ' +
    'version, Odoo domains, orders, active_test, multi-company rules and Odoo-shaped faults. The dataset (branches, ' +
    'warehouses, stock, products, people, POS/sale/purchase orders) depends only on --seed and --scale; scale 1 is about ' +
    "Odoo's demo size, order lines grow linearly (scale 1000 is over a million lines). Runs in the foreground until " +
    'SIGINT/SIGTERM. Like a single Node process it serves every call at once by default (each call\'s --latency ' +
    "overlaps the others', the compute runs one call after the other); --workers n serves at most n calls at once and " +
    "queues the rest in arrival order, as Odoo's prefork server with --workers n does. Tests can drive it with " +
    'POST /__sim/<action> (see src/sim/index.ts), e.g. /__sim/configure with [{"workers": 4, "latencyMs": 20}].';
  static override examples = [
    '<%= config.bin %> sim',
    '<%= config.bin %> sim --port 8069 --odoo-version 17 --scale 10 --seed 1',
    '<%= config.bin %> sim --odoo-version 19 --latency 20          # JSON-2 flavour, 20 ms per call',
    '<%= config.bin %> sim --workers 4 --latency 50                 # like Odoo --workers 4: a fifth call waits its turn',
    '<%= config.bin %> sim --with-brand --host 0.0.0.0             # serve the OCA product.brand model too',
    '<%= config.bin %> sim --port 0 --json                          # random port; one JSON line with url, db, credentials',
  ];
  static override flags = {
    port: Flags.integer({ description: 'TCP port (0 picks a free one)', default: 8069, min: 0, max: 65535 }),
    host: Flags.string({ description: 'address to listen on', default: '127.0.0.1' }),
    'odoo-version': Flags.string({ description: 'Odoo flavour to imitate', options: ['16', '17', '18', '19', '16.0', '17.0', '18.0', '19.0'], default: '17' }),
    scale: Flags.integer({ description: 'dataset size (1 ≈ Odoo demo data; order lines grow linearly)', default: 1, min: 1 }),
    seed: Flags.integer({ description: 'dataset seed: same seed and scale, same data', default: 1 }),
    latency: Flags.integer({ description: 'added delay per call, in milliseconds', default: 0, min: 0 }),
    workers: Flags.integer({ description: "calls served at once, the rest queued in arrival order (Odoo's --workers); 0 = no limit", default: 0, min: 0 }),
    'with-brand': Flags.boolean({ description: 'serve product.brand (absent on a plain Odoo, as on real servers)', default: false }),
    db: Flags.string({ description: 'database name the simulator answers to', default: 'odoo' }),
    account: Flags.boolean({ description: 'the module account is installed (invoices, journal items…); --no-account: not, as on an Odoo without Invoicing', default: true, allowNo: true }),
    'base-automation': Flags.boolean({ description: 'the module base_automation is installed (webhook rules on 17+); --no-base-automation: not', default: true, allowNo: true }),
    // Not oclif's --json (that prints the result at exit): a server must say where it listens at start.
    json: Flags.boolean({ description: 'print the URL, db and credentials as one JSON line when ready', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Sim);
    const started = Date.now();
    const sim = await startSimulator({
      port: flags.port,
      host: flags.host,
      version: parseVersion(flags['odoo-version']),
      scale: flags.scale,
      seed: flags.seed,
      latencyMs: flags.latency,
      workers: flags.workers,
      withBrand: flags['with-brand'],
      db: flags.db,
      baseAutomation: flags['base-automation'],
      withAccount: flags.account,
    });
    // Listen for the signals before saying we are ready, so a supervisor may stop us right after. The exit code
    // is the shell convention for a signalled stop (130 SIGINT, 143 SIGTERM), whichever exit hook runs first.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const info = sim.info();
    const summary = {
      url: info.url,
      db: info.db,
      version: info.version,
      admin: { login: info.admin.login, password: info.admin.password, apiKey: info.admin.apiKey },
      demo: { login: info.demo.login, password: info.demo.password, apiKey: info.demo.apiKey },
    };
    if (!flags.json) {
      this.log(`Odoo ${info.version} simulator listening on ${info.url} (database "${info.db}", scale ${flags.scale}, seed ${flags.seed}, ready in ${Date.now() - started} ms)`);
      // These are the simulator's own fixed test credentials, not secrets of a real server.
      this.log(`  admin: login "${info.admin.login}", password "${info.admin.password}", API key ${info.admin.apiKey}`);
      this.log(`  demo:  login "${info.demo.login}", password "${info.demo.password}", API key ${info.demo.apiKey} (restricted user)`);
      this.log(`  e.g. ODOO_URL=${info.url} ODOO_DB=${info.db} ODOO_USER=admin ODOO_PASSWORD=admin`);
      this.log('Press Ctrl+C to stop.');
    } else {
      this.log(JSON.stringify(summary));
    }
    const signal = await stopped;
    await sim.close();
    process.exit(128 + os.constants.signals[signal]);
  }
}
