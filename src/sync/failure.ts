/**
 * The one answer to "is a failed attempt of a step worth retrying?". Every error falls in one of three
 * classes:
 * - transient: it may go away by itself (Odoo said so: `OdooError.transient`, set where the transport reads
 *   the answer, src/odoo/errors.ts; or the database connection went away, src/db/connection-errors.ts);
 * - permanent: no retry can mend it (the entity does not fit this server, the login or access rights are
 *   wrong, Odoo answered something we cannot decode): the step fails at once;
 * - unclassified: anything else (a bug, an Odoo error we have no rule for). The rule for these: they are
 *   retried like transient errors, up to the job's max_attempts (a retry costs little and mends many odd
 *   failures), but they are logged as unclassified so that a new kind of failure is seen and given a class.
 * The Odoo client's own per-call retries (src/odoo/retry.ts) retry only what `OdooError.transient` marks,
 * i.e. this module's transient Odoo errors.
 */
import { CompanyDependentColumnError, MissingFieldError, MissingModelError } from '../entities/plan.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import {
  isTransient,
  OdooAccessError,
  OdooAuthError,
  OdooDecodeError,
  OdooInvalidDomainError,
  OdooUnknownFieldError,
  OdooUnknownModelError,
} from '../odoo/index.ts';

export type FailureClass = 'transient' | 'permanent' | 'unclassified';

/** Errors that no retry can mend. */
const PERMANENT: ReadonlyArray<abstract new (...args: never[]) => Error> = [
  MissingFieldError,
  MissingModelError,
  CompanyDependentColumnError,
  OdooAuthError,
  OdooAccessError,
  OdooUnknownModelError,
  OdooUnknownFieldError,
  OdooInvalidDomainError,
  OdooDecodeError,
];

export function classifyFailure(error: unknown): FailureClass {
  if (PERMANENT.some((cls) => error instanceof cls)) return 'permanent';
  if (isTransient(error) || isConnectionError(error)) return 'transient';
  return 'unclassified';
}

/** Whether another attempt is made (while attempts remain): everything but a permanent failure. */
export function isRetried(failure: FailureClass): boolean {
  return failure !== 'permanent';
}
