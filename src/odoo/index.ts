// The Odoo client's public API.
export { createOdooClient, DEFAULT_FIELDS_GET_ATTRIBUTES } from './client.ts';
export type { OdooClient, SearchOptions, SearchReadOptions } from './client.ts';
export {
  OdooError,
  OdooAuthError,
  OdooAccessError,
  OdooUnknownModelError,
  OdooUnknownFieldError,
  OdooInvalidDomainError,
  OdooMissingRecordError,
  OdooTransientError,
  OdooTimeoutError,
  isTransient,
} from './errors.ts';
export { decodeRecord, decodeRecords, makeRecordDecoder, schemaForField, OdooDecodeError } from './decode.ts';
export type { DecodedRecord, DecodedValue, Many2oneValue, RecordDecoder, ReferenceValue } from './decode.ts';
export { nextById, nextByWriteDate, writeDateStart } from './keyset-step.ts';
export type { StepOptions, StepResult, WriteDateStepCursor } from './keyset-step.ts';
export { backoffDelay, defaultRetryPolicy, withRetry } from './retry.ts';
export type { RetryPolicy } from './retry.ts';
export { cleanForWire, OdooWireValueError } from './wire.ts';
export { toOdooDatetime, odooDatetimeToIso } from './datetime.ts';
export { ServerClock } from './server-clock.ts';
export type * from './types.ts';
