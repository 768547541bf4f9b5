/**
 * What an operator reads when the target database cannot be reached or refuses the connection: the
 * database (user@host:port/name, never the password), the driver's reason, and what to check for it,
 * as the Odoo errors do. A bare "timeout expired" or "connect ECONNREFUSED" says neither where nor why.
 */
import { isConnectionError } from './connection-errors.ts';

/** SQLSTATEs of a connection refused by the server itself (login, database, pg_hba.conf, limits). */
const REFUSED: Record<string, string> = {
  '28P01': 'the password was refused: check the user and password in DATABASE_URL',
  '28000': 'the server refuses this user or client (pg_hba.conf): check the user in DATABASE_URL and that the server accepts connections from this host',
  '3D000': 'no such database on that server: create it (`createdb`) or fix the database name in DATABASE_URL',
  '53300': 'the server has no connection left (max_connections): close idle clients or raise the limit',
  '57P03': 'the server is starting up or shutting down: try again in a moment',
};

const code = (error: unknown): string | undefined => {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const value = (current as { code?: unknown }).code;
    if (typeof value === 'string') return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
};

const message = (error: unknown): string => {
  const own = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !own.includes(cause) ? `${own}: ${cause}` : own;
};

function hint(error: unknown): string {
  const c = code(error);
  if (c && REFUSED[c]) return REFUSED[c];
  if (c === 'ECONNREFUSED') return 'nothing listens at that host and port: check that PostgreSQL runs there, and the host and port in DATABASE_URL';
  if (c === 'ENOTFOUND' || c === 'EAI_AGAIN') return 'the host name does not resolve: check the host in DATABASE_URL';
  if (/timeout|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/i.test(`${c ?? ''} ${message(error)}`)) {
    return 'no answer in time: check the host and port in DATABASE_URL, that the server is up and that no firewall drops the connection';
  }
  return 'check DATABASE_URL (host, port, user, password, database name) and that the server accepts connections from here';
}

/** A connection-level failure (unreachable, refused, login), as opposed to a wrong statement. */
export function isUnreachable(error: unknown): boolean {
  const c = code(error);
  return isConnectionError(error) || (c !== undefined && c in REFUSED) || /timeout expired|connection timeout/i.test(message(error));
}

/** "database etl@db.internal:5432/warehouse: cannot connect: <reason>\n<what to check>". */
export function describeUnreachable(error: unknown, database: string): string {
  return `database ${database}: cannot connect: ${message(error)}\n${hint(error)} (\`odoo-etl check\` tests the connection step by step)`;
}
