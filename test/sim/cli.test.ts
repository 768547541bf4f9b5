// `odoo-etl sim` runs in the foreground, says where it listens, and stops on SIGTERM.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures-dir.ts';
import { xmlrpcCall } from './helpers.ts';

describe('odoo-etl sim', () => {
  it('prints url, db and credentials, serves Odoo with the workers asked for, stops on SIGTERM with 143', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/odoo-etl.js'), 'sim', '--port', '0', '--json', '--odoo-version', '18', '--seed', '3', '--workers', '2'], { cwd: repoRoot });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) resolve(out.slice(0, nl));
      });
      child.once('exit', () => reject(new Error(`sim exited early: ${out}`)));
    });
    const info = JSON.parse(line) as { url: string; db: string; version: string; admin: { login: string; password: string } };
    expect(info.version).toBe('18.0');
    expect(await xmlrpcCall(info.url, '/xmlrpc/2/common', 'authenticate', [info.db, info.admin.login, info.admin.password, {}])).toBe(2);
    const settings = (await (await fetch(`${info.url}/__sim/settings`, { method: 'POST' })).json()) as { result: { workers: number } };
    expect(settings.result.workers).toBe(2);
    child.kill('SIGTERM');
    expect(await exited).toBe(143); // 128 + SIGTERM, the shell convention for a signalled stop
  });
});
