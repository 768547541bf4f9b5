import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript without declarations (bin/odoo-etl.js reads it before TypeScript loads)
import { DEFAULT_HEAP_MB, heapLimitMb, heapLimitSet } from '../../bin/heap-limit.js';
import { cliEnv, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');

/** Every process a test started (the command and its capped child), killed after each test. */
const spawned: Array<{ pid?: number }> = [];

/** Starts `odoo-etl worker` through the bin, as a user would; answers its "worker started" log line and how it exits. */
async function startWorkerCommand(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [bin, 'worker', '--no-schedule'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  spawned.push(child);
  const started = await new Promise<{ pid: number; heapMb: number; oldSpaceMb: number | null }>((resolve, reject) => {
    // The log goes to stderr.
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"worker started"'));
      if (line) resolve(JSON.parse(line) as { pid: number; heapMb: number; oldSpaceMb: number | null });
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`worker exited before starting: ${output}`)));
  });
  spawned.push({ pid: started.pid });
  return { child, started, exited, output: () => output };
}

describe('the heap cap of the long-running commands (bin/heap-limit.js)', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    // Whatever a failed test left running.
    for (const { pid } of spawned.splice(0)) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await harness?.close();
    harness = undefined;
  });

  it('is 192 MB at the default settings and grows with BATCH_SIZE × WORKER_CONCURRENCY; a cap set by the user is kept', () => {
    expect(heapLimitMb({}, [])).toBe(DEFAULT_HEAP_MB);
    expect(DEFAULT_HEAP_MB).toBe(192);
    expect(heapLimitMb({ BATCH_SIZE: '10000', WORKER_CONCURRENCY: '8' }, [])).toBeGreaterThan(600);
    expect(heapLimitMb({}, ['worker', '--concurrency', '16', '--batch-size=5000'])).toBe(heapLimitMb({ BATCH_SIZE: '5000', WORKER_CONCURRENCY: '16' }, []));
    expect(heapLimitSet([], undefined)).toBe(false);
    expect(heapLimitSet([], '--max-old-space-size=300')).toBe(true);
    expect(heapLimitSet(['--max-old-space-size=300'], '')).toBe(true);
  });

  it('worker runs capped in a child, stops gracefully on SIGTERM to the pid started, even when the child gets a copy, and exits 0', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 2 } });
    const env = cliEnv(harness, { LOG_LEVEL: 'info' });
    delete env.NODE_OPTIONS;
    const worker = await startWorkerCommand(env);
    expect(worker.started.pid).not.toBe(worker.child.pid);
    // The old space is capped at 192 MB; V8's whole limit adds the young generation (its size differs
    // between Node 20 and 24), so only its lower bound is fixed.
    expect(worker.started.oldSpaceMb).toBe(192);
    expect(worker.started.heapMb).toBeGreaterThanOrEqual(192);
    // As a terminal's Ctrl-C or systemd does: the signal reaches both processes.
    worker.child.kill('SIGTERM');
    process.kill(worker.started.pid, 'SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.output()).toContain('"worker stopped"');
  });

  it('worker keeps the cap of NODE_OPTIONS and starts no child; a capped child dies with a parent killed by SIGKILL', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 2 } });
    const own = await startWorkerCommand(cliEnv(harness, { LOG_LEVEL: 'info', NODE_OPTIONS: '--max-old-space-size=300' }));
    expect(own.started.pid).toBe(own.child.pid);
    expect(own.started.oldSpaceMb).toBe(300);
    expect(own.started.heapMb).toBeGreaterThanOrEqual(300);
    own.child.kill('SIGTERM');
    expect((await own.exited).code).toBe(0);

    const env = cliEnv(harness, { LOG_LEVEL: 'info' });
    delete env.NODE_OPTIONS;
    const capped = await startWorkerCommand(env);
    capped.child.kill('SIGKILL');
    await capped.exited;
    // Gone, or a zombie its new parent has not reaped yet.
    const alive = async () => {
      const stat = await fs.readFile(`/proc/${capped.started.pid}/stat`, 'utf8').catch(() => undefined);
      if (stat !== undefined) return !/^\d+ \(.*\) Z/.test(stat);
      try {
        process.kill(capped.started.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while ((await alive()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await alive()).toBe(false);
  });
});
