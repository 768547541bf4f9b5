/**
 * The table a finished run ends with: per entity what it read and changed, how long it took, and the
 * error or warnings.
 */
import type { RunReport } from '../sync/run-report.ts';
import { formatTable } from './format.ts';

export function runSummaryLines(report: RunReport): string[] {
  const rows = report.steps.map((step) => [
    step.entity,
    step.status,
    step.mode ?? '',
    String(step.read),
    String(step.inserted),
    String(step.updated),
    String(step.unchanged),
    String(step.deleted),
    step.started_at && step.finished_at ? ((Date.parse(step.finished_at) - Date.parse(step.started_at)) / 1000).toFixed(1) : '',
    step.error ?? [...new Set(step.warnings)].join('; '),
  ]);
  return [
    ...formatTable(['entity', 'status', 'mode', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'seconds', 'note'], rows),
    `run ${report.run.id} ${report.run.status}${report.run.error ? `: ${report.run.error}` : ''}`,
  ];
}
