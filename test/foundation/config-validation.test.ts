/**
 * Settings that used to escape validation (issue 18 §5): the schedules are cron expressions as graphile-worker
 * parses them, ODOO_TIMEOUT is more than 0, and a bad command argument is a usage error; each exits 2 naming
 * what is wrong, before anything connects anywhere.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { runCli } from '../ops/cli.ts';

const noFile = '/nonexistent/.env';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ env, envFile: noFile });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('settings validation', () => {
  it('SYNC_SCHEDULE and RECONCILE_SCHEDULE must be cron expressions; the error names the variable and the fault', () => {
    const bad = configError({ SYNC_SCHEDULE: 'bad cron' });
    expect(bad.variable).toBe('SYNC_SCHEDULE');
    expect(bad.message).toBe(
      'SYNC_SCHEDULE must be a cron expression in UTC: 5 fields, minute hour day-of-month month day-of-week (e.g. "*/15 * * * *"); ' +
        `Invalid cron pattern 'bad cron' (got "bad cron")`,
    );
    const range = configError({ RECONCILE_SCHEDULE: '61 * * * *' });
    expect(range.variable).toBe('RECONCILE_SCHEDULE');
    expect(range.message).toMatch(/^RECONCILE_SCHEDULE must be a cron expression .*Too large value '61' in minutes range/);
    expect(configError({ RECONCILE_SCHEDULE: '0 * * *' }).variable).toBe('RECONCILE_SCHEDULE');
    const settings = loadConfig({ env: { SYNC_SCHEDULE: '*/5 8-18 * * 1-5', RECONCILE_SCHEDULE: '30 2 * * *' }, envFile: noFile });
    expect([settings.SYNC_SCHEDULE, settings.RECONCILE_SCHEDULE]).toEqual(['*/5 8-18 * * 1-5', '30 2 * * *']);
  });

  it('ODOO_TIMEOUT must be more than 0', () => {
    for (const value of ['0', '0s', '0ms']) {
      const error = configError({ ODOO_TIMEOUT: value });
      expect(error.variable).toBe('ODOO_TIMEOUT');
      expect(error.message).toMatch(/^ODOO_TIMEOUT must be more than 0/);
    }
    expect(loadConfig({ env: { ODOO_TIMEOUT: '500ms' }, envFile: noFile }).ODOO_TIMEOUT).toBe(500);
  });

  it('the CLI exits 2 on a bad schedule (status too) and on a run id that is not a number', async () => {
    const status = await runCli(['status'], { SYNC_SCHEDULE: 'bad cron' });
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/SYNC_SCHEDULE must be a cron expression/);
    const timeout = await runCli(['runs'], { ODOO_TIMEOUT: '0' });
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/ODOO_TIMEOUT must be more than 0/);
    const cancel = await runCli(['runs', 'cancel', 'abc'], {});
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toMatch(/Expected an integer but received: abc/);
  });
});
