/**
 * `/readyz`: whether this worker can do its work now: the target database answers a new connection
 * and its schema is current (every committed migration applied, none unknown or changed: the check
 * `odoo-etl check` makes). A fresh connection per probe, with short timeouts, so a probe says what a
 * new job would meet and never waits behind the worker's busy pool.
 */
import pg from 'pg';
import { describeDatabaseUrl } from '../db/target.ts';
import { checkMigrations } from '../ops/check.ts';

export interface Readiness {
  ready: boolean;
  checks: Array<{ check: 'database' | 'migrations'; ok: boolean; detail: string }>;
}

const PROBE_TIMEOUT_MS = 3000;

export async function checkReadiness(databaseUrl: string): Promise<Readiness> {
  const where = describeDatabaseUrl(databaseUrl);
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    statement_timeout: PROBE_TIMEOUT_MS,
    application_name: 'odoo-etl readyz',
  });
  // A connection lost mid-probe is an answer (not ready), not a crash of the worker.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    return { ready: false, checks: [{ check: 'database', ok: false, detail: `cannot connect to ${where}: ${messageOf(error)}` }] };
  }
  try {
    const migrations = await checkMigrations(client);
    const ok = migrations.status === 'ok';
    return {
      ready: ok,
      checks: [
        { check: 'database', ok: true, detail: where },
        { check: 'migrations', ok, detail: ok ? migrations.detail : `${migrations.detail}${migrations.fix ? `: ${migrations.fix}` : ''}` },
      ],
    };
  } catch (error) {
    return { ready: false, checks: [{ check: 'database', ok: false, detail: `${where} did not answer: ${messageOf(error)}` }] };
  } finally {
    await client.end().catch(() => {});
  }
}

function messageOf(error: unknown): string {
  const e = error as { message?: string; code?: string };
  return e.message || e.code || String(error);
}
