import { BaseCommand } from '../../base-command.ts';
import { getDeclaredTables, renderDeclaredTables, type DeclaredTablesReport } from '../../../src/declared/changes.ts';
import { loadDeclarations } from '../../../src/declared/load.ts';

export default class Tables extends BaseCommand<typeof Tables> {
  static override summary = 'List your declared tables and what migrate did to each, when';
  static override description =
    'Reads the declaration file (ODOO_ETL_TABLES, default odoo-etl.tables.yaml) and the log odoo-etl migrate keeps of ' +
    'the declared tables (etl.declared_change): tables created, columns added, indexes and foreign keys made, columns ' +
    'kept after leaving the declaration. See `odoo-etl tables scaffold` to start a declaration.';
  static override examples = ['<%= config.bin %> tables', '<%= config.bin %> tables --json'];
  static override enableJsonFlag = true;

  async run(): Promise<DeclaredTablesReport> {
    const { pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    const declared = loadDeclarations(this.settings.ODOO_ETL_TABLES);
    const report = await getDeclaredTables(pool, declared.file, declared.tables);
    if (!this.jsonEnabled()) for (const line of renderDeclaredTables(report)) this.log(line);
    return report;
  }
}
