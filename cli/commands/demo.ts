import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { runDemo, DEMO_DATABASE } from '../../src/ops/demo.ts';
import { createProgressRenderer, progressMode } from '../../src/ops/progress.ts';

export default class Demo extends BaseCommand<typeof Demo> {
  static override summary = 'Try odoo-etl with nothing to install: embedded PostgreSQL + built-in Odoo simulator, the whole job in a minute';
  static override description =
    'Starts the embedded PostgreSQL (data under ODOO_ETL_HOME, default ./.odoo-etl, in a database of its own, ' +
    `"${DEMO_DATABASE}", recreated on every demo) and the built-in Odoo 17 simulator, then: creates the schema, runs a full ` +
    'sync of every table, changes records in the simulated Odoo (create, update, archive, delete, an order line whose ' +
    'product arrives late, one whose product was deleted, a draft invoice posted, an invoice paid, a delivery and a receipt of stock), ' +
    'runs an incremental sync (missing references are loaded as inferred rows and healed), shows a few products\' stock ' +
    'at the end of yesterday beside today (fact_stock_daily), shows the changed invoices as the warehouse has them, ' +
    "changes the product's price again and prints its price history (dim_products_history), " +
    'reconciles deletions and prints the status and how to open the data with psql or a BI tool. Your ODOO_* and DATABASE_URL settings are not used. With --keep, the database and the simulator stay up until Ctrl+C.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --keep   # then open the data with psql or Metabase'];
  static override flags = {
    keep: Flags.boolean({ description: 'keep the embedded PostgreSQL and the simulator running until Ctrl+C', default: false }),
    quiet: Flags.boolean({ char: 'q', description: 'no live progress, only the steps and summaries', default: false }),
  };

  async run(): Promise<void> {
    const started = Date.now();
    const mode = progressMode({ quiet: this.flags.quiet, isTTY: process.stdout.isTTY });
    // The demo tells its own story: the engine's info lines (one per batch and entity) would drown it.
    const explicitLevel = this.flags['log-level'] ?? process.env.LOG_LEVEL;
    const logger = explicitLevel ? this.logger : this.logger.child({}, { level: 'warn' });
    const demo = await runDemo({
      settings: this.settings,
      logger,
      say: (line) => this.log(line),
      progress: () => createProgressRenderer({ mode, stream: process.stdout }),
    });
    this.onClose(() => demo.close());
    const c = demo.connection;
    const password = `$(cat ${shellQuote(c.passwordFile)})`;
    this.log('');
    this.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. The warehouse is the PostgreSQL database "${c.database}" at ${c.host}:${c.port}, user ${c.user}`);
    this.log(`(the password is in ${c.passwordFile}). Open it with:`);
    this.log(`  PGPASSWORD="${password}" psql -h ${c.host} -p ${c.port} -U ${c.user} ${c.database}`);
    this.log(`  e.g.  select source, count(*), sum(amount_total) from all_sales group by source;`);
    this.log(`A BI tool (Metabase, Superset, Power BI) takes host ${c.host}, port ${c.port}, database ${c.database}, user ${c.user} and that password.`);
    this.log(`Other commands work on it too:  DATABASE_URL="postgresql://${c.user}:${password}@${c.host}:${c.port}/${c.database}" odoo-etl status`);
    if (!this.flags.keep) {
      this.log('The database and the simulator stop now; run `odoo-etl demo --keep` to keep them running while you look around.');
      return;
    }
    this.log(`The simulated Odoo answers at ${demo.simulator.url} (database "${demo.simulator.db}", login "${demo.simulator.login}", password "${demo.simulator.password}": the simulator's fixed demo credentials),`);
    this.log(`so \`ODOO_URL=${demo.simulator.url} ODOO_DB=${demo.simulator.db} ODOO_USERNAME=${demo.simulator.login} ODOO_PASSWORD=${demo.simulator.password} DATABASE_URL=... odoo-etl sync\` works against it.`);
    this.log('Keeping the database and the simulator running: press Ctrl+C to stop.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    this.log('Stopping.');
  }
}

function shellQuote(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
