/**
 * The package as a user gets it: `npm pack` (which builds dist/ and the oclif manifest) gives a tarball,
 * installed into an empty folder with npm (from the local npm cache where it can), then used from there
 * with plain Node: the CLI through npx, the library through an ESM import, its types through tsc.
 * No tsx, no TypeScript sources, no repository files: the checkout is only where the tarball comes from.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { emptyDatabase } from '../support/database.ts';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with only PATH (this Node first, so npm, npx and the CLI run on the Node under test) and
 * HOME (and the machine's NODE_EXTRA_CA_CERTS): none of the npm_config_* variables `npm test` sets (its local prefix would point npm at the
 * checkout), no NODE_OPTIONS (no loader), no settings of the caller.
 */
function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Result> {
  // The machine's extra CA certificates are kept: npm run by another Node than the machine's has no global
  // npmrc (its prefix follows the Node binary), and a registry behind a private CA needs them.
  const trust = Object.fromEntries(['NODE_EXTRA_CA_CERTS'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
  const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? options.cwd, ...trust, ...options.env };
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 50 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function ok(result: Result, what: string): Result {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-2000)}`);
  return result;
}

const version = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('the npm package', () => {
  // A folder every parent of which the embedded PostgreSQL's `postgres` OS user can enter.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-package-'));
  fs.chmodSync(work, 0o755);
  const user = path.join(work, 'user');
  let tarball = '';
  const cli = (args: string[], env: Record<string, string> = {}, timeoutMs?: number) =>
    run('npx', ['--no', '--', 'odoo-etl', ...args], { cwd: user, env: { LOG_LEVEL: 'warn', ...env }, timeoutMs });

  beforeAll(async () => {
    ok(await run('npm', ['pack', '--pack-destination', work], { cwd: packageRoot, timeoutMs: 300_000 }), 'npm pack');
    tarball = path.join(work, fs.readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'package.json'), JSON.stringify({ name: 'a-user', private: true, type: 'module' }));
    // --prefer-offline: the packages `npm ci` put in the npm cache, the registry only for what is missing.
    ok(await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: user, timeoutMs: 400_000 }), 'npm install');
  }, 720_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('holds the compiled program, its types and the files it reads at run time, and nothing of the repository besides', async () => {
    const listing = ok(await run('tar', ['-tzf', tarball], { cwd: work }), 'tar').stdout.trim().split('\n');
    const files = listing.map((f) => f.replace(/^package\//, '')).filter((f) => !f.endsWith('/'));
    const allowed = [
      /^(package\.json|README\.md|LICENSE|oclif\.manifest\.json|bin\/odoo-etl\.js|bin\/heap-limit\.js)$/,
      /^dist\/(src|cli|tasks)\/.+\.(js|d\.ts)$/,
      /^migrations\/committed\/[^/]+\.sql$/,
      /^sql\/.+\.(sql|md)$/,
      /^src\/sim\/fields\/\d+\.0\/[^/]+\.json$/,
    ];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const needed of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/log-file-stream.js',
      'dist/cli/commands/demo.js',
      'dist/tasks/sync_entity.js',
      'bin/heap-limit.js',
      'oclif.manifest.json',
      'sql/monitoring/lag.sql',
      'src/sim/fields/17.0/fields.json',
    ])
      expect(files).toContain(needed);
    expect(files.some((f) => f.startsWith('migrations/committed/000001-'))).toBe(true);
    // Nothing TypeScript needs to run: tsx is a development tool of the checkout, not a dependency.
    expect(fs.existsSync(path.join(user, 'node_modules', 'tsx'))).toBe(false);
  });

  it('answers --version and --help', async () => {
    const v = ok(await cli(['--version']), '--version');
    expect(v.stdout.trim()).toBe(`odoo-etl/${version} ${process.platform}-${process.arch} node-${process.version}`);
    const help = ok(await cli(['--help']), '--help');
    for (const command of ['demo', 'migrate', 'sync', 'worker', 'status', 'check', 'sim']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\s+\\S`, 'm'));
    const syncHelp = ok(await cli(['sync', '--help']), 'sync --help');
    expect(syncHelp.stdout).toContain('--entity');
  });

  it('runs the demo: its own embedded PostgreSQL and simulator, full and incremental sync, status, logging to LOG_FILE', async () => {
    const home = path.join(work, 'demo-home');
    const logFile = path.join(work, 'logs', 'etl.log');
    const demo = ok(await cli(['demo'], { ODOO_ETL_HOME: home, LOG_FILE: logFile, LOG_LEVEL: 'info' }, 240_000), 'demo');
    for (const step of ['Full sync', 'Incremental sync', 'Reconciling deletions', 'Status']) expect(demo.stdout).toContain(`==> ${step}`);
    expect(demo.stdout).toMatch(/^\s+fact_sales_lines\s+ok\s/m);
    expect(demo.stdout).toContain('healthy');
    // The installed logger (its worker thread loads dist/src/log-file-stream.js) writes the configured file itself.
    expect(fs.readdirSync(path.dirname(logFile))).toEqual(['etl.log']);
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(lines.some((line) => line.msg === 'fact_sales_lines synced')).toBe(true);
  }, 300_000);

  describe('against a database and an Odoo', () => {
    let sim: Simulator;
    const dropped: Array<() => Promise<void>> = [];
    beforeAll(async () => {
      sim = await startSimulator({ version: '17.0', scale: 1, seed: 12 });
    });
    afterAll(async () => {
      await sim?.close();
      for (const drop of dropped) await drop();
    });
    const database = async () => {
      const db = await emptyDatabase();
      dropped.push(db.drop);
      return db.url;
    };

    it('migrates an empty database and syncs tables with the installed commands', async () => {
      const DATABASE_URL = await database();
      const migrated = JSON.parse(ok(await cli(['migrate', '--json'], { DATABASE_URL }), 'migrate').stdout) as { applied: string[] };
      expect(migrated.applied.length).toBeGreaterThan(0);
      const odoo = { ODOO_URL: sim.url, ODOO_DB: sim.db, ODOO_USERNAME: sim.admin.login, ODOO_PASSWORD: sim.admin.password };
      const synced = ok(await cli(['sync', '--json', '--entity', 'dim_categories', '--entity', 'dim_products'], { DATABASE_URL, ...odoo }), 'sync');
      const result = JSON.parse(synced.stdout) as { report: { run: { status: string }; steps: Array<{ entity: string; status: string; read: number }> } };
      expect(result.report.run.status).toBe('succeeded');
      const products = result.report.steps.find((s) => s.entity === 'dim_products');
      expect(products).toMatchObject({ status: 'succeeded' });
      expect(products!.read).toBe(sim.records('product.template').length);
    }, 180_000);

    it('imports syncOdoo from plain Node ESM and runs a sync with it, and ships the types a TypeScript user compiles against', async () => {
      const databaseUrl = await database();
      fs.writeFileSync(
        path.join(user, 'sync.js'),
        [
          "import { migrateDatabase, syncOdoo } from 'odoo-etl';",
          'const [databaseUrl, url, db, username, password] = process.argv.slice(2);',
          'await migrateDatabase(databaseUrl);',
          "const report = await syncOdoo({ databaseUrl, odoo: { url, db, username, password }, entities: ['dim_categories'] });",
          'console.log(JSON.stringify({ status: report.run.status, steps: report.steps.map((s) => s.entity) }));',
        ].join('\n'),
      );
      const script = ok(await run(process.execPath, ['sync.js', databaseUrl, sim.url, sim.db, sim.admin.login, sim.admin.password], { cwd: user }), 'sync.js');
      expect(JSON.parse(script.stdout)).toEqual({ status: 'succeeded', steps: expect.arrayContaining(['dim_categories']) });

      // Types: a correct use compiles, and a wrong one is an error (so they are real types, not `any`).
      fs.writeFileSync(
        path.join(user, 'consumer.ts'),
        [
          "import { syncOdoo, type RunReport, type SyncOdooOptions } from 'odoo-etl';",
          "const options: SyncOdooOptions = { databaseUrl: 'postgresql://etl@db/warehouse', odoo: { url: 'https://x.odoo.com', db: 'x', username: 'etl', apiKey: 'k' } };",
          'export const report: Promise<RunReport> = syncOdoo(options);',
          '// @ts-expect-error databaseUrl is a string',
          'void syncOdoo({ ...options, databaseUrl: 42 });',
        ].join('\n'),
      );
      const tsc = path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const typeRoots = path.join(packageRoot, 'node_modules', '@types');
      const compiled = await run(
        process.execPath,
        [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', '--typeRoots', typeRoots, 'consumer.ts'],
        { cwd: user },
      );
      expect(compiled.stdout + compiled.stderr).toBe('');
      expect(compiled.code).toBe(0);
    }, 180_000);
  });
});
