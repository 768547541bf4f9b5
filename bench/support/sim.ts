/** Starts the Odoo simulator in a child process (see sim-process.ts) and drives it over its HTTP control API. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimulatorOptions } from '../../src/sim/index.ts';

export interface BenchSimulator {
  url: string;
  db: string;
  login: string;
  password: string;
  apiKey: string;
  version: string;
  /** How long generating the dataset took. */
  readyMs: number;
  control<T = unknown>(action: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function startBenchSimulator(options: SimulatorOptions): Promise<BenchSimulator> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./sim-process.ts', import.meta.url)), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; db: string; login: string; password: string; apiKey: string; version: string; readyMs: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as never));
    child.once('exit', (code) => reject(new Error(`simulator process exited with code ${code} before listening`)));
  });
  return {
    ...ready,
    async control<T>(action: string, ...args: unknown[]): Promise<T> {
      const response = await fetch(`${ready.url}/__sim/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) });
      if (!response.ok) throw new Error(`simulator ${action}: HTTP ${response.status} ${await response.text()}`);
      return ((await response.json()) as { result: T }).result;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      });
    },
  };
}
