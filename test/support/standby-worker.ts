// A sync worker process (what `odoo-etl worker --no-schedule` runs: src/worker/runner.ts on the settings
// of the environment) prepared in advance: it loads the code, opens its pool and Odoo client, says
// `ready` on stdout, and starts taking jobs only when a line arrives on stdin. The crash test keeps the
// next worker ready while the current one runs, so its 20 kills are not spread out by cold starts of
// Node + tsx + the CLI (tens of seconds each on a busy machine).
// Run: node --import tsx test/support/standby-worker.ts
import { loadConfig } from '../../src/config.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/log.ts';
import { createSyncContext, odooClientFromSettings } from '../../src/sync/context.ts';
import { startWorker } from '../../src/worker/runner.ts';

const settings = loadConfig({ require: ['odoo'] });
const logger = createLogger({ level: settings.LOG_LEVEL, pretty: false });
const pool = await createDatabasePool(settings.DATABASE_URL!);
const context = createSyncContext({ pool, odoo: odooClientFromSettings(settings, logger), settings, logger });

process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void startWorker({ connectionString: settings.DATABASE_URL!, context, concurrency: settings.WORKER_CONCURRENCY, staleAfterMs: settings.WORKER_STALE_AFTER }).then(() =>
    logger.info('worker started'),
  );
});
