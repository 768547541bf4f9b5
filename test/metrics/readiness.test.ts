import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { silentLogger } from '../../src/log.ts';
import { createMetrics, serveMetrics, type Metrics, type MetricsServer } from '../../src/metrics/index.ts';
import { databaseUrl, withAdmin } from '../support/postgres-server.ts';
import { parsePrometheusText, sampleOf } from '../support/prometheus.ts';

// A PostgreSQL of this test's own (not the suite's shared server), so it can be stopped and started again.
describe('/readyz and /healthz against a database that stops', () => {
  let home: string | undefined;
  let postgres: EmbeddedServer | undefined;
  let metrics: Metrics | undefined;
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    await metrics?.close();
    await postgres?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
    server = metrics = postgres = home = undefined;
  });

  const get = async (route: string) => {
    const response = await fetch(`http://127.0.0.1:${server!.port}${route}`);
    return { status: response.status, body: await response.text() };
  };

  it('is ready on a migrated database, not ready (503) while the database is stopped or not migrated, and alive throughout', async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-readyz-'));
    fs.chmodSync(home, 0o755);
    postgres = await startEmbeddedPostgres({ home, fast: true, database: 'odoo_etl_readyz' });
    await migrateDatabase(postgres.url);
    metrics = await createMetrics({ databaseUrl: postgres.url, staleAfterMs: 60_000, logger: silentLogger });
    server = await serveMetrics({ port: 0, host: '127.0.0.1', registry: metrics.registry, readiness: metrics.readiness, logger: silentLogger });

    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true, checks: [{ check: 'database', ok: true }, { check: 'migrations', ok: true }] });
    expect(sampleOf(parsePrometheusText((await get('/metrics')).body), 'odoo_etl_database_up')).toBe(1);

    const port = postgres.port;
    await postgres.stop();
    const stopped = await get('/readyz');
    expect(stopped.status).toBe(503);
    expect(JSON.parse(stopped.body)).toMatchObject({ ready: false, checks: [{ check: 'database', ok: false, detail: expect.stringContaining('cannot connect') }] });
    expect(stopped.body).not.toContain(new URL(postgres.url).password);
    expect((await get('/healthz')).status).toBe(200);
    // The process's own metrics are still served; the database's are left out.
    const whileDown = parsePrometheusText((await get('/metrics')).body);
    expect(sampleOf(whileDown, 'odoo_etl_database_up')).toBe(0);
    expect(whileDown.some((s) => s.name === 'odoo_etl_sync_lag_seconds')).toBe(false);
    expect(whileDown.some((s) => s.name === 'odoo_etl_worker_heartbeat_age_seconds')).toBe(true);

    postgres = await startEmbeddedPostgres({ home, port, fast: true, database: 'odoo_etl_readyz' });
    expect((await get('/readyz')).status).toBe(200);
    expect(sampleOf(parsePrometheusText((await get('/metrics')).body), 'odoo_etl_database_up')).toBe(1);

    // A reachable database without the schema is not ready either: `odoo-etl migrate` is what it needs.
    await withAdmin(postgres.adminUrl, (admin) => admin.query('create database odoo_etl_unmigrated'));
    const unmigrated = await metrics.close().then(() => createMetrics({ databaseUrl: databaseUrl(postgres!.adminUrl, 'odoo_etl_unmigrated'), staleAfterMs: 60_000, logger: silentLogger }));
    metrics = unmigrated;
    await server.close();
    server = await serveMetrics({ port: 0, host: '127.0.0.1', registry: unmigrated.registry, readiness: unmigrated.readiness, logger: silentLogger });
    const bare = await get('/readyz');
    expect(bare.status).toBe(503);
    expect(JSON.parse(bare.body)).toMatchObject({
      ready: false,
      checks: [{ check: 'database', ok: true }, { check: 'migrations', ok: false, detail: expect.stringContaining('odoo-etl migrate') }],
    });
    expect((await get('/nothing')).status).toBe(404);
  }, 120_000);
});
