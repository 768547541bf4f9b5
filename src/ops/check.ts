/**
 * `odoo-etl check` (doctor): every condition a sync needs, one line each, with what to do when it
 * fails. The database (reachable, migrations current: check/database.ts) and Odoo (settings, reachable,
 * version and transport, authentication, then per entity: its models exist, the required fields are
 * there, the API user can read them: check/odoo.ts). Checks that depend on a failed one are reported as
 * skipped, not failed again. No message carries a secret: Odoo errors are scrubbed by the client,
 * database errors name host and user only, and the command scrubs every line once more.
 */
import type { Settings } from '../config.ts';
import type { Logger } from '../log.ts';
import { checkDatabase } from './check/database.ts';
import { checkOdoo } from './check/odoo.ts';
import type { CheckReport, CheckResult } from './check/result.ts';

export { checkMigrations } from './check/database.ts';
export { checkReportSchema, checkResultSchema, checksVerdict, renderCheck, type CheckReport, type CheckResult } from './check/result.ts';

export interface CheckOptions {
  settings: Settings;
  logger: Logger;
  /** Called with each result as it is known (so a slow check does not hide the ones before it). */
  onResult?: (result: CheckResult) => void;
}

export async function runChecks(options: CheckOptions): Promise<CheckReport> {
  const checks: CheckResult[] = [];
  const add = (result: CheckResult) => {
    checks.push(result);
    options.onResult?.(result);
  };
  await checkDatabase(options, add);
  await checkOdoo(options, add);
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

