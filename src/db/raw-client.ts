/**
 * The `pg` client under a slonik connection, for what slonik has no method for (COPY FROM STDIN into the
 * load's staging table, src/sync/load.ts) inside the SAME transaction as the slonik queries around it.
 *
 * Slonik 47's pg driver keeps its `pg.Client`s in a closure and creates each one as `new pg.Client(...)`,
 * looking `Client` up on the shared `pg` module at that moment. So the pools of this project are created
 * after `pg.Client` is replaced by a subclass that files every connected client under its backend pid;
 * a connection's pid (`pg_backend_pid()`) then finds its client. The subclass changes nothing else, and
 * pools that captured the original class earlier (pg.Pool, graphile-worker) are unaffected.
 */
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';

// By backend pid; two servers (tests, bench) may each have a backend of one pid: then port and database decide.
const clientsByPid = new Map<number, Set<pg.Client>>();

class TrackedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // 'connect' is emitted once the backend is ready, its pid known.
    this.once('connect', () => {
      const pid = (this as unknown as { processID: number | null }).processID;
      if (pid === null) return;
      const clients = clientsByPid.get(pid) ?? new Set<pg.Client>();
      clientsByPid.set(pid, clients.add(this));
      this.once('end', () => {
        clients.delete(this);
        if (clients.size === 0 && clientsByPid.get(pid) === clients) clientsByPid.delete(pid);
      });
    });
  }
}

let installed = false;

/** Makes the clients slonik creates from now on findable by clientOfBackend (idempotent). */
export function trackPgClients(): void {
  if (installed) return;
  installed = true;
  (pg as unknown as { Client: typeof pg.Client }).Client = TrackedClient;
}

/** Where a connection's queries run: what `select pg_backend_pid(), current_setting('port'), current_database()` says. */
export interface Backend {
  pid: number;
  port: number;
  database: string;
}

/** The backend's query, to be selected along with a query the caller makes anyway (a round trip saved). */
export const backendColumns = sql.fragment`pg_backend_pid() as pid, current_setting('port')::int as port, current_database() as database`;
export const backendSchema = z.object({ pid: z.number(), port: z.number(), database: z.string() });

/** The pg client of that backend; throws if its connection was not made by a pool of createDatabasePool. */
export function clientOfBackend(b: Backend): pg.Client {
  const candidates = [...(clientsByPid.get(b.pid) ?? [])];
  const client = candidates.length === 1 ? candidates[0] : candidates.find((c) => c.port === b.port && c.database === b.database);
  if (!client) throw new Error('the connection was not opened by a pool of createDatabasePool (no pg client for its backend)');
  return client;
}
