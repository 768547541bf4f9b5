import fs from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { DBT_SCHEMA, DBT_SOURCE_NAME, dbtSources, renderDbtSources, type DbtSourcesFile } from '../../src/ops/dbt-sources.ts';

export default class DbtSources extends BaseCommand<typeof DbtSources> {
  static override summary = 'Write a dbt sources.yml for the warehouse tables: descriptions, key and foreign-key tests, freshness';
  static override description =
    'Describes every mirrored table and missing_data as one dbt source: each table with the Odoo model it mirrors, ' +
    'each column with the Odoo field it comes from (label and model.field, per Odoo version where they differ), primary ' +
    'keys as unique + not_null tests (composite keys as a unique test on `a || \'/\' || b`), foreign keys as ' +
    'relationships tests, and source freshness on synced_at: warn after FRESHNESS, error after twice FRESHNESS. ' +
    'The history tables of HISTORY (<table>_history) are sources too, snapshot-shaped (dbt_valid_from, dbt_valid_to, dbt_is_deleted). ' +
    'Written from the specs of this odoo-etl version, without a database; for dbt 1.10 or newer.\n\n' +
    'Writes YAML to stdout, or to FILE with --out. --json prints the same document as JSON.';
  static override examples = [
    '<%= config.bin %> dbt-sources --out ../analytics/models/staging/odoo/sources.yml',
    'FRESHNESS=30m <%= config.bin %> dbt-sources --schema odoo --source-name erp',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    out: Flags.string({ description: 'write the YAML to this file (created or replaced) instead of stdout', helpValue: 'FILE' }),
    schema: Flags.string({ description: 'the PostgreSQL schema of the tables, as dbt sees it', default: DBT_SCHEMA }),
    'source-name': Flags.string({ description: "the dbt source name models use: source('<name>', 'dim_products')", default: DBT_SOURCE_NAME }),
  };

  async run(): Promise<DbtSourcesFile> {
    // Both end up inside SQL and Jinja (`source('odoo', …)`): plain identifiers only.
    for (const flag of ['schema', 'source-name'] as const) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(this.flags[flag])) this.error(`--${flag} "${this.flags[flag]}" must be a plain identifier (letters, digits, _)`, { exit: 2 });
    }
    const file = dbtSources({ freshnessMs: this.settings.FRESHNESS, schema: this.flags.schema, sourceName: this.flags['source-name'], history: this.historyTables() });
    const yaml = renderDbtSources(file);
    if (this.flags.out) {
      try {
        fs.writeFileSync(this.flags.out, yaml);
      } catch (error) {
        this.error(`--out ${this.flags.out}: cannot write the file: ${(error as Error).message}`, { exit: 1 });
      }
      if (!this.jsonEnabled()) this.logToStderr(`wrote ${file.sources[0]!.tables.length} tables to ${this.flags.out}`);
    } else if (!this.jsonEnabled()) {
      process.stdout.write(yaml);
    }
    return file;
  }
}
