/**
 * The pg pool graphile-worker runs on, ours rather than its own so that it outlives a database restart:
 *
 * - every connection carries the server-side guards (statement and idle-in-transaction timeouts);
 * - errors of idle and checked-out clients are logged, never left unhandled (pg drops the broken client);
 * - a lost or refused connection is reported with SQLSTATE 57P03 ("cannot connect now"), which
 *   graphile-worker's `withRetries` waits out with backoff (3 s growing to 2 min). Without this, the
 *   completion or failure of a job that ends while the server restarts throws "Connection terminated
 *   unexpectedly" / ECONNREFUSED from a promise graphile-worker 0.18 never awaits (`batchFailJobs`,
 *   `batchCompleteJobs`): an unhandled rejection that kills the process, or a job left locked. Recording a
 *   completion or a failure twice is harmless (both are keyed by job id and the worker that holds it).
 */
import pg from 'pg';
import type { Logger } from '../log.ts';
import { isConnectionError } from './connection-errors.ts';
import type { DatabaseGuards } from './pool.ts';

/** The code graphile-worker retries with its longest backoff. */
const RETRYABLE_CODE = '57P03';

export function createWorkerPgPool(connectionString: string, guards: DatabaseGuards, logger: Logger, max = 10): pg.Pool {
  const pool = new RetryablePool({
    connectionString,
    max,
    // 0 is "off" for PostgreSQL too, but pg sends only truthy values: leave them out then.
    statement_timeout: guards.statementTimeoutMs || undefined,
    idle_in_transaction_session_timeout: guards.idleInTransactionTimeoutMs || undefined,
  });
  // pg emits these on clients that fail while idle in the pool (e.g. a server restart): without a listener
  // the process would die; pg has removed the client already.
  // Message and code only: pg hangs the whole client object on these errors.
  const brief = (error: Error & { code?: string }) => ({ error: { message: error.message, code: error.code } });
  pool.on('error', (error) => logger.warn(brief(error), 'database connection lost (idle worker connection); reconnecting on next use'));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.debug(brief(error), 'database connection lost (worker connection in use)'));
  });
  return pool;
}

class RetryablePool extends pg.Pool {
  private readonly wrapped = new WeakSet<pg.PoolClient>();

  // graphile-worker uses the promise form for its queries and the callback form for its LISTEN
  // connection, which reconnects with backoff by itself.
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then(
      (client) => this.wrap(client),
      (error: unknown) => {
        throw retryable(error);
      },
    );
  }

  private wrap(client: pg.PoolClient): pg.PoolClient {
    if (this.wrapped.has(client)) return client;
    this.wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).catch((error: unknown) => {
          throw retryable(error);
        });
      }
      return result;
    };
    return client;
  }
}

function retryable(error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`database connection lost: ${message}`, { cause: error }), { code: RETRYABLE_CODE });
}
