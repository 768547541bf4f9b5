import { BaseCommand } from '../base-command.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { describeHistoryChange, type HistoryChange } from '../../src/history/apply.ts';
import { fieldsGetThrough, type DeclaredChange } from '../../src/declared/ddl.ts';
import { currentDeclarations } from '../../src/declared/to-spec.ts';
import { odooClientFromSettings } from '../../src/sync/context.ts';

export default class Migrate extends BaseCommand<typeof Migrate> {
  static override summary = 'Create or upgrade the whole schema: job queue, tables, upsert functions';
  static override description =
    "Installs graphile-worker's schema (the job queue and its cron), then applies the committed graphile-migrate migrations " +
    'in migrations/committed/. Safe to run again: what is applied is not applied twice. Without DATABASE_URL it works on ' +
    'the embedded PostgreSQL kept in ODOO_ETL_HOME (default ./.odoo-etl).';
  static override examples = [
    '<%= config.bin %> migrate',
    'DATABASE_URL=postgres://etl@warehouse/analytics <%= config.bin %> migrate',
    '<%= config.bin %> migrate --json',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<{ database: string; applied: string[]; total: number; workerSchemaInstalled: boolean; declared: DeclaredChange[]; history: HistoryChange }> {
    const target = await this.openDatabase();
    const result = await migrateDatabase(target.url, this.logger, { fieldsGetOf: this.fieldsGetForUntypedColumns(), history: this.historyTables() });
    if (result.workerSchemaInstalled) this.log('installed the graphile-worker job queue schema');
    if (result.applied.length === 0) this.log(`${target.description}: up to date (${result.total} migrations applied earlier, none new)`);
    else {
      for (const name of result.applied) this.log(`applied ${name}`);
      this.log(`${target.description}: ${result.applied.length} migration(s) applied, ${result.total} in all`);
    }
    for (const change of result.declared) this.log(`${change.table}: ${change.action.replaceAll('_', ' ')}${change.column ? ` ${change.column}` : ''} (${change.detail})`);
    const history = describeHistoryChange(result.history);
    if (history) this.log(history);
    return { database: target.description, ...result };
  }

  /** Declared columns without a type take it from the server: Odoo is needed then, and only then. */
  private fieldsGetForUntypedColumns() {
    const untyped = currentDeclarations().some((t) => Object.values(t.columns).some((c) => c.type === undefined && c.references === undefined));
    if (!untyped || !this.settings.ODOO_URL) return undefined;
    this.requireSettings(['odoo']);
    const odoo = odooClientFromSettings(this.settings, this.logger);
    this.onClose(async () => odoo.close());
    return fieldsGetThrough(odoo);
  }
}
