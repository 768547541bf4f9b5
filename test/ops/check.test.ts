/**
 * `odoo-etl check` names each failure and what to do, and never prints a secret: a wrong password, a
 * model the server does not have, a required field it lacks, an unreachable database. The missing model
 * and field come from a small HTTP proxy in front of the simulator that renames the model in the
 * requests (the simulator then answers with Odoo's own unknown-model fault) and drops the field from
 * fields_get answers, as a server without the module would.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { checkMigrations, checkReportSchema } from '../../src/ops/check.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { repoRoot } from '../support/fixtures-dir.ts';
import { runCli } from './cli.ts';

const LOGIN = 'etl@example.com';
const PASSWORD = 'Sup3r-Secret-Pass';

/** Forwards to the simulator; `hr.work.location` does not exist behind it and product.product has no barcode. */
async function startTamperingProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8').replaceAll('<string>hr.work.location</string>', '<string>x_gone.work.location</string>');
      const fieldsOfVariant = body.includes('<string>product.product</string>') && body.includes('<string>fields_get</string>');
      const forward = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'text/xml' } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          if (fieldsOfVariant) text = text.replace(/<member>\s*<name>barcode<\/name>\s*<value><struct>[\s\S]*?<\/struct><\/value>\s*<\/member>\s*/, '');
          res.writeHead(answer.statusCode ?? 500, { 'content-type': answer.headers['content-type'] ?? 'text/xml', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        });
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('odoo-etl check', () => {
  let db: TestDatabase;
  let sim: Simulator;
  let odoo: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    sim = await startSimulator({ version: '17.0', withBrand: true, users: [{ login: LOGIN, password: PASSWORD, admin: true }] });
    odoo = { ODOO_URL: sim.url, ODOO_DB: sim.db, ODOO_USERNAME: LOGIN, ODOO_PASSWORD: PASSWORD };
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('passes everything on a healthy setup, one line per check', async () => {
    const result = await runCli(['check'], { DATABASE_URL: db.url, ...odoo });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+database\s/m);
    const committed = fs.readdirSync(path.join(repoRoot, 'migrations/committed')).filter((f) => f.endsWith('.sql'));
    expect(result.stdout).toMatch(new RegExp(`^ok\\s+migrations\\s+${committed.length} migration\\(s\\) applied`, 'm'));
    expect(result.stdout).toMatch(/^ok\s+odoo server\s+Odoo 17\.0 .*transport XML-RPC/m);
    expect(result.stdout).toMatch(/^ok\s+odoo authentication\s+logged in as "etl@example.com"/m);
    expect(result.stdout.match(/^(ok|warn)\s+entity /gm)).toHaveLength(34); // 33 + fact_stock_moves (issue 23)
    // which company's values the company-dependent columns carry
    expect(result.stdout).toMatch(/^ok\s+company-dependent columns\s+the API user's main company is "[^"]+" \(id 1\) .*dim_products_product\.standard_price: the record's own company \(company_id\), else "[^"]+" \(id 1\).*dim_product_costs\.standard_price: every company of the API user/m);
    expect(result.stdout).toContain('All checks passed.');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('a wrong password: authentication fails with what to do, the password is not printed', async () => {
    const wrong = 'Wr0ng-Pass-Value';
    const result = await runCli(['check', '--json'], { DATABASE_URL: db.url, ...odoo, ODOO_PASSWORD: wrong });
    expect(result.code).toBe(1);
    const report = checkReportSchema.parse(JSON.parse(result.stdout));
    const auth = report.checks.find((c) => c.check === 'odoo authentication')!;
    expect(auth.status).toBe('fail');
    expect(auth.detail).toBe('Odoo refused the login "etl@example.com" on database "odoo"');
    expect(auth.fix).toMatch(/API key/);
    expect(report.checks.find((c) => c.check === 'odoo models')?.status).toBe('skip');
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('a model the server lacks and a required field it lacks: the entities that need them fail, by name', async () => {
    const proxy = await startTamperingProxy(sim.url);
    try {
      const result = await runCli(['check'], { DATABASE_URL: db.url, ...odoo, ODOO_URL: proxy.url });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^FAIL\s+entity dim_work_locations\s+dim_work_locations: Odoo 17\.0 has no model hr\.work\.location \(is its module installed\?\)$/m);
      expect(result.stdout).toMatch(/→ install the Odoo app\/module that provides hr\.work\.location/);
      expect(result.stdout).toMatch(/^FAIL\s+entity dim_products_product\s+dim_products_product: Odoo 17\.0 model product\.product has no field barcode/m);
      expect(result.stdout).toMatch(/^ok\s+entity dim_products\s/m);
      expect(result.stdout).toContain('2 check(s) failed.');
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    } finally {
      await proxy.close();
    }
  });

  it('a read access the user lacks: the entity fails with the model named', async () => {
    const result = await runCli(['check', '--json'], { DATABASE_URL: db.url, ...odoo, ODOO_USERNAME: 'demo', ODOO_PASSWORD: 'demo' });
    expect(result.code).toBe(1);
    const report = checkReportSchema.parse(JSON.parse(result.stdout));
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.check);
    expect(failed).toEqual(['entity dim_purchases', 'entity fact_purchases']);
    expect(report.checks.find((c) => c.check === 'entity dim_purchases')!.detail).toMatch(/may not read purchase\.order/);
  });

  it('an unreachable database: reported with the host, migrations skipped, the password not printed', async () => {
    const dbPassword = 'Db-Pass-4242';
    const result = await runCli(['check'], { DATABASE_URL: `postgresql://etl:${dbPassword}@127.0.0.1:1/warehouse`, ...odoo });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+database\s+cannot connect to etl@127\.0\.0\.1:1\/warehouse: .*ECONNREFUSED/m);
    expect(result.stdout).toMatch(/→ check DATABASE_URL/);
    expect(result.stdout).toMatch(/^skip\s+migrations\s/m);
    expect(result.stdout).toMatch(/^ok\s+odoo authentication/m);
    expect(result.stdout + result.stderr).not.toContain(dbPassword);
  });

  it('a database without the schema: migrations fail with `odoo-etl migrate` as the fix', async () => {
    const url = new URL(db.url);
    url.pathname = '/postgres';
    const result = await runCli(['check'], { DATABASE_URL: url.toString(), ...odoo });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+migrations\s+the database has no odoo-etl schema yet/m);
    expect(result.stdout).toContain('→ run `odoo-etl migrate`');
  });

  it('migrations: one not applied, one changed, one unknown to this build: each fails with what to do', async () => {
    const own = await freshDatabase();
    const client = new pg.Client({ connectionString: own.url });
    await client.connect();
    try {
      // The newest committed migration plays the one not applied / changed, whatever its number.
      const committed = fs.readdirSync(path.join(repoRoot, 'migrations/committed')).filter((f) => f.endsWith('.sql')).sort();
      const newest = `${committed.at(-1)!.slice(0, 6)}.sql`;
      expect(await checkMigrations(client)).toMatchObject({ status: 'ok', detail: `${committed.length} migration(s) applied, job queue schema present` });
      const last = await client.query(`delete from graphile_migrate.migrations where filename = $1 returning hash, previous_hash`, [newest]);
      expect(await checkMigrations(client)).toMatchObject({ status: 'fail', detail: `1 migration(s) not applied: ${newest}`, fix: expect.stringContaining('odoo-etl migrate') });
      await client.query(`insert into graphile_migrate.migrations (filename, hash, previous_hash) values ($1, $2, $3)`, [newest, last.rows[0].hash, last.rows[0].previous_hash]);
      await client.query(`update graphile_migrate.migrations set hash = 'sha1:0' where filename = $1`, [newest]);
      expect(await checkMigrations(client)).toMatchObject({ status: 'fail', detail: `applied migration(s) differ from the committed files: ${newest}` });
      await client.query(`insert into graphile_migrate.migrations (filename, hash, previous_hash) values ('000099.sql', 'sha1:1', null)`);
      expect(await checkMigrations(client)).toMatchObject({
        status: 'fail',
        detail: 'the database has migrations this odoo-etl does not know: 000099.sql',
        fix: expect.stringContaining('upgrade this installation'),
      });
    } finally {
      await client.end();
      await own.drop();
    }
  });
});
