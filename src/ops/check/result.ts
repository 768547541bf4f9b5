/** One result of `odoo-etl check` (its `--json` shape) and its line of text. */
import { z } from 'zod';

export const checkResultSchema = z.object({
  check: z.string(),
  status: z.enum(['ok', 'warn', 'fail', 'skip']),
  detail: z.string(),
  /** What to do about a failure or warning. */
  fix: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const checkReportSchema = z.object({ ok: z.boolean(), checks: z.array(checkResultSchema) });
export type CheckReport = z.infer<typeof checkReportSchema>;

const LABEL = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;

/** One check as lines: the result, and on a failure or warning what to do. */
export function renderCheck(c: CheckResult): string[] {
  const out = [`${LABEL[c.status]}  ${c.check.padEnd(31)} ${c.detail}`];
  if (c.fix && c.status !== 'ok') out.push(`${' '.repeat(38)}→ ${c.fix}`);
  return out;
}

export function checksVerdict(report: CheckReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  return failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`;
}
