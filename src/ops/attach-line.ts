/** What `sync` tells a person when it attaches to a run in progress (src/sync/attach.ts finds the run). */
import type { AttachableRun } from '../sync/attach.ts';
import { formatDuration, formatTime } from './format.ts';

/** The line `sync` prints when it attaches. */
export function describeAttach(run: AttachableRun, now: number, staleAfterMs: number): string {
  const head = `attached to run ${run.runId}, started ${formatTime(run.startedAt)} (${formatDuration(now - Date.parse(run.startedAt))} ago) by ${run.trigger}`;
  if (run.activity === 'in-progress') {
    return `${head}, in progress in ${run.processes.filter((p) => p.alive).map((p) => p.process).join(', ')}: processing its jobs here too`;
  }
  const dead = run.processes.filter((p) => !p.alive);
  const since = `last progress ${formatDuration(now - Date.parse(run.lastProgressAt))} ago`;
  if (dead.length === 0) return `${head}, interrupted (no process is working on it, ${since}): processing it here`;
  const seen = dead
    .map((p) => `${p.process}${p.lastSeen ? ` last seen ${formatDuration(now - Date.parse(p.lastSeen))} ago` : ''}`)
    .join(', ');
  return (
    `${head}, interrupted (${since}; its jobs are held by a process that stopped: ${seen}): ` +
    `they are freed once it has been silent for WORKER_STALE_AFTER (${formatDuration(staleAfterMs)}), then processed here`
  );
}
