/**
 * Which database errors mean "the connection or the server went away" (a restart, a failover, a network
 * cut) rather than "this statement is wrong": those are worth waiting out and retrying; the others are not.
 */
import { BackendTerminatedError, BackendTerminatedUnexpectedlyError, ConnectionError } from 'slonik';

/** SQLSTATE classes and codes of a lost or refused connection. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
/** Node.js socket errors. */
const ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** What pg and slonik say when the socket closed under them (these errors carry no code). */
const MESSAGES = [/connection terminated/i, /not queryable/i, /backend has been terminated/i, /connection ended/i, /socket has been ended/i];

export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SQLSTATES.has(code) || ERRNOS.has(code))) return true;
    if (current instanceof ConnectionError || current instanceof BackendTerminatedError || current instanceof BackendTerminatedUnexpectedlyError) return true;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
