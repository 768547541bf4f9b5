import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { HistoryReadError, readHistory, renderHistory, type HistoryReport } from '../../src/ops/history.ts';

export default class History extends BaseCommand<typeof History> {
  static override summary = "Print a row's versions (--key) or a table as it was at a time (--at), from its history table";
  static override description =
    'For the tables HISTORY names, every change of a row is kept in <table>_history (see the README, History): ' +
    'with --key, the versions of that row in order, each with what changed; with --at, the rows as they were then ' +
    '(deleted ones left out); with neither, the newest versions. A composite key is given in key order (pos,42) ' +
    'or by name (source=pos,odoo_id=42).';
  static override examples = [
    '<%= config.bin %> history dim_products_product --key 42',
    '<%= config.bin %> history fact_stock --at 2026-11-30T23:59:59Z --json',
  ];
  static override enableJsonFlag = true;
  static override args = { table: Args.string({ description: 'a table whose history is kept', required: true }) };
  static override flags = {
    at: Flags.string({ description: 'the time to read the table at (ISO 8601; without a zone: UTC)' }),
    key: Flags.string({ description: "one row's key: its versions" }),
    limit: Flags.integer({ description: 'at most this many versions', default: 100, min: 1 }),
  };

  async run(): Promise<HistoryReport> {
    const at = this.flags.at === undefined ? undefined : parseAt(this.flags.at);
    if (at && Number.isNaN(at.getTime())) this.error(`--at "${this.flags.at}" is not a time (e.g. 2026-11-30T23:59:59Z or 2026-11-30)`, { exit: 2 });
    const { pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    try {
      const report = await readHistory(pool, String(this.args.table), { at, key: this.flags.key, limit: this.flags.limit });
      if (!this.jsonEnabled()) for (const line of renderHistory(report)) this.log(line);
      return report;
    } catch (error) {
      if (error instanceof HistoryReadError) this.error(error.message, { exit: 2 });
      throw error;
    }
  }
}

/** ISO 8601; a time without a zone is UTC (as everywhere in odoo-etl). */
function parseAt(value: string): Date {
  const v = value.trim();
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || /^\d{4}-\d\d-\d\d$/.test(v) ? v : `${v}Z`);
}
