/**
 * A child process for process-guards.test.ts: installs the guards with a logger that knows a secret,
 * then lets a rejection go unhandled (argv[2]: `connection` or `fatal`).
 */
import { createLogger } from '../../../src/log.ts';
import { installProcessGuards } from '../../../src/process-guards.ts';

const secret = process.env.CHILD_SECRET!;
const logger = createLogger({ level: 'info', pretty: false, secrets: [secret] });
installProcessGuards({ logger });

const mode = process.argv[2];
if (mode === 'connection') {
  void Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined }));
} else {
  const cause = new Error(`login refused for password ${secret}`);
  void Promise.reject(new Error(`cannot go on: postgres://etl:${secret}@db/warehouse`, { cause }));
}
// Runs after Node has dealt with the rejection above (rejections are processed before the next macrotask).
setImmediate(() => setImmediate(() => process.stdout.write('still running\n')));
