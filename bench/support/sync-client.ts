/** Starts sync-process.ts in a child process and sends it requests, one at a time. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript without declarations, read by bin/odoo-etl.js before TypeScript loads
import { heapLimitMb } from '../../bin/heap-limit.js';
import type { SyncAnswer, SyncProcessOptions, SyncRequest } from './sync-process.ts';

export interface SyncProcess {
  request(request: Exclude<SyncRequest, { kind: 'stop' }>): Promise<SyncAnswer>;
  stop(): Promise<void>;
}

export async function startSyncProcess(options: SyncProcessOptions): Promise<SyncProcess> {
  const child = fork(fileURLToPath(new URL('./sync-process.ts', import.meta.url)), [JSON.stringify(options)], {
    // BENCH_CPU_PROF=dir writes a V8 CPU profile of the sync process there.
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      // The heap cap `odoo-etl sync` gives itself at these settings (bin/heap-limit.js), or BENCH_SYNC_HEAP_MB.
      `--max-old-space-size=${Number(process.env.BENCH_SYNC_HEAP_MB) || heapLimitMb({ BATCH_SIZE: String(options.settings.BATCH_SIZE), WORKER_CONCURRENCY: String(options.workers) })}`,
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sync process exited with code ${code}`))));
  exited.catch(() => {});
  await Promise.race([new Promise((resolve) => child.once('message', resolve)), exited]);
  return {
    async request(request) {
      const answer = new Promise<{ ok: boolean; answer?: SyncAnswer; error?: string }>((resolve) => child.once('message', resolve as never));
      child.send(request);
      const reply = await Promise.race([answer, exited]);
      if (!reply.ok) throw new Error(`sync process: ${reply.error}`);
      return reply.answer!;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ kind: 'stop' });
      await gone;
    },
  };
}
