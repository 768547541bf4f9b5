/**
 * Runs `bin/odoo-etl.js` as a child process, the way an operator or a health check does: settings only
 * from the environment given here (nothing inherited but PATH/HOME), in an empty working directory so no
 * stray `.env` is read. stdout is a pipe, so commands see "not a terminal".
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/odoo-etl.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined>, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const cwd = options.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-cli-'));
  const cleanEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, LOG_LEVEL: 'warn' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) cleanEnv[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: cleanEnv, timeout: options.timeoutMs ?? 90_000, maxBuffer: 20 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The Odoo settings for a simulator user. */
export function odooEnv(sim: { url: string; db: string }, login: string, password: string): Record<string, string> {
  return { ODOO_URL: sim.url, ODOO_DB: sim.db, ODOO_USERNAME: login, ODOO_PASSWORD: password };
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;
