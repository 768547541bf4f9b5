import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scrubError } from '../../src/log.ts';

const child = path.resolve(import.meta.dirname, '../support/children/process-guard-child.ts');
const SECRET = 'pw-Secret-4711';

function runChild(mode: 'connection' | 'fatal') {
  const result = spawnSync(process.execPath, ['--import', 'tsx', child, mode], {
    env: { ...process.env, CHILD_SECRET: SECRET },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('process guards', () => {
  it('an unhandled rejection of a lost database connection is logged and the process goes on', () => {
    const { code, stdout, stderr } = runChild('connection');
    expect(stderr).toMatch(/unhandled rejection: database connection lost/);
    expect(stdout).toBe('still running\n');
    expect(code).toBe(0);
  });

  it('any other unhandled rejection is logged with its stack, without secrets, and exits 1', () => {
    const { code, stdout, stderr } = runChild('fatal');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const line = JSON.parse(stderr.trim().split('\n').pop()!) as { level: number; msg: string; err: { message: string; stack: string } };
    expect(line.msg).toMatch(/unhandled rejection: stopping with exit code 1/);
    expect(line.err.message).toMatch(/^cannot go on: postgres:\/\/etl:\*\*\*@db\/warehouse/);
    expect(line.err.stack).toMatch(/^Error: cannot go on: postgres:\/\/etl:\*\*\*@db\/warehouse\n\s+at /);
    expect(stderr).toMatch(/login refused for password \*\*\*/);
    expect(stderr).not.toContain(SECRET);
  });
});

describe('secrets in errors', () => {
  it('are scrubbed from the stack and the wrapped errors, not only the message', () => {
    const cause = new Error(`Odoo said: bad key key-${SECRET}`);
    const error = new Error(`connect to postgres://etl:${SECRET}@db/x failed (api key key-${SECRET})`, { cause });
    const aggregate = new AggregateError([error], `several failures, first with ${SECRET}`);
    expect(aggregate.stack).toContain(SECRET);
    scrubError(aggregate, [`key-${SECRET}`, SECRET]);
    for (const e of [aggregate, error, cause]) {
      expect(e.message).not.toContain(SECRET);
      expect(e.stack).not.toContain(SECRET);
    }
    expect(error.stack).toMatch(/^Error: connect to postgres:\/\/etl:\*\*\*@db\/x failed \(api key \*\*\*\)\n\s+at /);
  });
});
