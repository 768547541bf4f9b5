// The one classification of a step's failures (src/sync/failure.ts): what is retried, what fails the step at
// once, and the stated rule for an error no rule names (retried, reported as unclassified).
import { describe, expect, it } from 'vitest';
import { MissingFieldError } from '../../src/entities/plan.ts';
import { errorFromFault, errorFromHttpStatus, errorFromNetwork } from '../../src/odoo/errors.ts';
import { OdooDecodeError } from '../../src/odoo/index.ts';
import { classifyFailure, isRetried } from '../../src/sync/failure.ts';

const ctx = { model: 'res.partner', method: 'search_read', secrets: [] };

describe('classifyFailure', () => {
  it('retries what Odoo or the network says may go away', () => {
    for (const error of [
      errorFromHttpStatus(503, '', ctx),
      errorFromHttpStatus(502, '<html><head><title>502 Bad Gateway</title></head></html>', ctx),
      errorFromNetwork(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), ctx),
      errorFromNetwork(new Error('aborted'), ctx, 60_000),
      errorFromFault({ faultCode: 1, faultString: 'psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update' }, ctx),
    ]) {
      expect(classifyFailure(error), error.message).toBe('transient');
    }
  });

  it('retries a lost database connection', () => {
    const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(classifyFailure(terminated)).toBe('transient');
    expect(classifyFailure(new Error('wrapped', { cause: terminated }))).toBe('transient');
  });

  it('fails the step at once on what no retry can mend', () => {
    for (const error of [
      // The faults as Odoo 17 sends them (test/fixtures/odoo/17.0/faults: execute_kw_wrong_password, execute_kw_unknown_model).
      errorFromFault({ faultCode: 3, faultString: 'Access Denied' }, ctx),
      errorFromFault({ faultCode: 2, faultString: "Object no.such.model doesn't exist" }, ctx),
      errorFromHttpStatus(403, '', ctx),
      new MissingFieldError('dim_customers', 'res.partner', ['x_missing'], '17.0'),
      new OdooDecodeError('res.partner', 1, 'name', 'char', 'not a string'),
    ]) {
      expect(classifyFailure(error), error.message).toBe('permanent');
      expect(isRetried(classifyFailure(error))).toBe(false);
    }
  });

  it('states the rule for an error no rule names: unclassified, and retried', () => {
    const odooError = errorFromFault({ faultCode: 1, faultString: 'ValueError: something nobody has seen before' }, ctx);
    expect(odooError.transient).toBe(false);
    for (const error of [new Error('a bug'), new TypeError("Cannot read properties of undefined (reading 'id')"), odooError, 'a string thrown']) {
      expect(classifyFailure(error)).toBe('unclassified');
      expect(isRetried(classifyFailure(error))).toBe(true);
    }
  });
});
