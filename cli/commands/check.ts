import { BaseCommand } from '../base-command.ts';
import { checksVerdict, renderCheck, runChecks, type CheckReport } from '../../src/ops/check.ts';

export default class Check extends BaseCommand<typeof Check> {
  static override summary = 'Doctor: check the database, the migrations, Odoo, the login and read access to every model the tables need';
  static override description =
    'One line per check, and under each failure what to do: the target database is reachable; its migrations are the ' +
    'ones this odoo-etl ships; the Odoo settings are set; Odoo answers (version, XML-RPC or JSON-2); the login works; ' +
    'and for every table: its Odoo models exist, the fields it requires are there on this Odoo version, and the API ' +
    'user can read them. Exit code 1 when a check fails. Nothing secret is printed.';
  static override examples = ['<%= config.bin %> check', '<%= config.bin %> check --json'];
  static override enableJsonFlag = true;

  async run(): Promise<CheckReport> {
    const report = await runChecks({
      settings: this.settings,
      logger: this.logger,
      onResult: (result) => {
        if (!this.jsonEnabled()) for (const line of renderCheck(result)) this.log(this.scrub(line));
      },
    });
    for (const c of report.checks) {
      c.detail = this.scrub(c.detail);
      if (c.fix) c.fix = this.scrub(c.fix);
    }
    if (!this.jsonEnabled()) this.log(checksVerdict(report));
    // Not this.exit(1): under --json oclif would print a second JSON document (the exit error) after ours.
    if (!report.ok) process.exitCode = 1;
    return report;
  }
}
