import { BaseCommand } from '../base-command.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';

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

  async run(): Promise<{ database: string; applied: string[]; total: number; workerSchemaInstalled: boolean }> {
    const target = await this.openDatabase();
    const result = await migrateDatabase(target.url, this.logger);
    if (result.workerSchemaInstalled) this.log('installed the graphile-worker job queue schema');
    if (result.applied.length === 0) this.log(`${target.description}: up to date (${result.total} migrations applied earlier, none new)`);
    else {
      for (const name of result.applied) this.log(`applied ${name}`);
      this.log(`${target.description}: ${result.applied.length} migration(s) applied, ${result.total} in all`);
    }
    return { database: target.description, ...result };
  }
}
