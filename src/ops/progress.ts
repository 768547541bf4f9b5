/**
 * Live progress of a run, fed by followRun's onProgress(report): on a terminal one redrawn line per
 * entity (records read / expected, rate, ETA, state) and a total, through log-update; elsewhere (a
 * pipe, a log collector) plain lines without control codes, written when a step changes state and
 * every few seconds for the steps still running. Totals come from the run's `expected` (search_count
 * at the start of a step), never from guesses: an entity without one shows what it has read.
 */
import { createLogUpdate } from 'log-update';
import type { RunReport, RunStep } from '../sync/run-report.ts';
import { formatCount, formatDuration } from './format.ts';

export type ProgressMode = 'tty' | 'plain' | 'none';

export interface ProgressRenderer {
  update(report: RunReport): void;
  /** Leaves the last frame on screen (tty) or writes the final line (plain). */
  finish(report: RunReport): void;
}

export interface ProgressOptions {
  mode: ProgressMode;
  stream: NodeJS.WritableStream;
  /** Plain mode: how often the running steps are listed again. */
  intervalMs?: number;
  now?: () => number;
}

/** The mode for a command: --json and --quiet show none, a terminal redraws, anything else gets plain lines. */
export function progressMode(options: { json?: boolean; quiet?: boolean; isTTY?: boolean }): ProgressMode {
  if (options.json || options.quiet) return 'none';
  return options.isTTY ? 'tty' : 'plain';
}

export function createProgressRenderer(options: ProgressOptions): ProgressRenderer {
  const now = options.now ?? Date.now;
  if (options.mode === 'none') return { update() {}, finish() {} };
  if (options.mode === 'tty') {
    const draw = createLogUpdate(options.stream, { showCursor: true });
    const rows = () => (options.stream as NodeJS.WriteStream).rows;
    return {
      update: (report) => draw(fitFrame(progressLines(report, now()), rows()).join('\n')),
      finish(report) {
        draw(fitFrame(progressLines(report, now()), rows()).join('\n'));
        draw.done();
      },
    };
  }
  const interval = options.intervalMs ?? 5000;
  const seen = new Map<string, string>();
  let lastListing = now();
  const write = (line: string) => options.stream.write(`${line}\n`);
  const changes = (report: RunReport, at: number) => {
    for (const step of report.steps) {
      // Waiting and queued are not news: a line when a step starts and when it ends.
      if (step.status === 'pending' || step.status === 'queued' || seen.get(step.entity) === step.status) continue;
      seen.set(step.entity, step.status);
      write(stepLine(step, at, PLAIN_WIDTH));
    }
  };
  return {
    update(report) {
      const at = now();
      changes(report, at);
      if (at - lastListing >= interval) {
        lastListing = at;
        for (const step of report.steps.filter((s) => s.status === 'running')) write(stepLine(step, at, PLAIN_WIDTH));
        write(totalLine(report, at));
      }
    },
    finish(report) {
      const at = now();
      changes(report, at);
      write(totalLine(report, at));
    },
  };
}

/** The frame a terminal shows: one line per step, then the total. */
/**
 * A frame taller than the terminal would be cut at the top by log-update: drop finished steps first
 * (they are in the summary anyway), and say how many were dropped.
 */
export function fitFrame(lines: string[], rows: number | undefined): string[] {
  if (!rows || lines.length <= rows - 1) return lines;
  const total = lines[lines.length - 1]!;
  const steps = lines.slice(0, -1);
  const room = Math.max(1, rows - 3);
  const done = steps.filter((l) => / {2}done {2}/.test(l));
  // Running and failed steps are what the eye looks for; then those about to start.
  const rank = (l: string) => (/ {2}(running|FAILED) /.test(l) ? 0 : / {2}queued /.test(l) ? 1 : 2);
  const kept = steps
    .filter((l) => !/ {2}done {2}/.test(l))
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, room);
  const dropped = steps.length - kept.length;
  return [...kept, `(${dropped} more: ${done.length} done)`, total];
}

/** Entity names are at most 23 characters: plain lines line up without knowing the run first. */
const PLAIN_WIDTH = 23;

export function progressLines(report: RunReport, now: number): string[] {
  const width = Math.max(...report.steps.map((s) => s.entity.length), 10);
  return [...report.steps.map((step) => stepLine(step, now, width)), totalLine(report, now)];
}

function stepLine(step: RunStep, now: number, width = 0): string {
  const started = step.started_at ? Date.parse(step.started_at) : undefined;
  const ended = step.finished_at ? Date.parse(step.finished_at) : now;
  const seconds = started === undefined ? 0 : Math.max(0.001, (ended - started) / 1000);
  const rate = started === undefined || step.read === 0 ? undefined : step.read / seconds;
  // Derived and heal steps have no search_count: they show what they read.
  const known = step.expected !== null && step.expected !== undefined && (step.expected > 0 || step.read === 0) && step.mode !== 'derived';
  const count = known ? `${formatCount(step.read)}/${formatCount(step.expected!)}` : formatCount(step.read);
  const parts = [step.entity.padEnd(width), STATE_LABEL[step.status].padEnd(9), count.padStart(15)];
  if (step.expected && step.status === 'running') parts.push(`${Math.min(100, Math.floor((step.read / step.expected) * 100))}%`.padStart(4));
  if (rate !== undefined && step.status !== 'pending') parts.push(`${formatCount(Math.round(rate))}/s`);
  if (step.status === 'running' && rate && step.expected && step.expected > step.read) {
    parts.push(`ETA ${formatDuration(((step.expected - step.read) / rate) * 1000)}`);
  }
  if (started !== undefined && step.status !== 'running') parts.push(formatDuration(ended - started));
  if (step.error) parts.push(step.error);
  else {
    const full = step.warnings.find((w) => w.includes(': full pass: '));
    if (full) parts.push(full.slice(full.indexOf(': full pass: ') + 2));
  }
  return parts.join('  ').trimEnd();
}

function totalLine(report: RunReport, now: number): string {
  const steps = report.steps;
  const done = steps.filter((s) => ['succeeded', 'failed', 'skipped', 'cancelled'].includes(s.status)).length;
  const failed = steps.filter((s) => s.status === 'failed').length;
  const read = steps.reduce((sum, s) => sum + s.read, 0);
  const expected = steps.reduce((sum, s) => sum + (s.mode === 'derived' ? 0 : (s.expected ?? 0)), 0);
  const elapsed = (report.run.finished_at ? Date.parse(report.run.finished_at) : now) - Date.parse(report.run.created_at);
  const rate = elapsed > 0 ? Math.round(read / (elapsed / 1000)) : 0;
  return [
    `total  run ${report.run.id} ${report.run.status}`,
    `${done}/${steps.length} steps done${failed ? `, ${failed} failed` : ''}`,
    `${formatCount(read)} records read${expected ? ` (search_count: ${formatCount(expected)})` : ''}`,
    `${formatCount(rate)}/s`,
    formatDuration(elapsed),
  ].join('  ');
}

const STATE_LABEL: Record<RunStep['status'], string> = {
  pending: 'waiting',
  queued: 'queued',
  running: 'running',
  succeeded: 'done',
  failed: 'FAILED',
  skipped: 'skipped',
  cancelled: 'cancelled',
};
