import { BaseCommand } from '../base-command.ts';
import { getStatus, renderStatus, type Status } from '../../src/ops/status.ts';

export default class StatusCommand extends BaseCommand<typeof StatusCommand> {
  static override summary = 'Show per entity the last sync, lag, watermark, rows, failures and open missing references; a health check';
  static override description =
    'Reads the target database only (no Odoo call): per entity the last successful sync and its age, the watermark ' +
    '(newest write_date loaded), rows in the table (count(*), or the planner estimate for tables above 100,000 rows, ' +
    'shown with ~), the last run\'s counts (inserted/updated/unchanged/deleted), jobs waiting, running or retrying ' +
    'with their error and next try, open missing references; the schedules with their next times (UTC), the workers ' +
    'seen, and the database and Odoo the settings point at (never a password).\n\n' +
    'Exit code 1 when an entity\'s last run failed, a job ran out of attempts, or an entity\'s last success is older than ' +
    'FRESHNESS (default 1h) or never happened, so it can serve as a health check (cron, systemd, Kubernetes, Nagios).';
  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --json | jq \'.entities[] | select(.state != "ok")\'',
    'FRESHNESS=30m <%= config.bin %> status > /dev/null || alert "odoo-etl is behind"',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<Status> {
    const { target, pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    const status = await getStatus(pool, { settings: this.settings, database: target.description });
    if (!this.jsonEnabled()) for (const line of renderStatus(status)) this.log(this.scrub(line));
    // Not this.exit(1): under --json oclif would print a second JSON document (the exit error) after ours.
    if (!status.healthy) process.exitCode = 1;
    return status;
  }
}
