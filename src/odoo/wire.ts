// What is sent to Odoo, cleaned once for both transports: the xmlrpc package serializes BigInt and
// undefined as empty values and NaN/Infinity/1e21 as invalid numbers, and JSON.stringify throws on BigInt
// and turns NaN into null. Better to fail loudly here than to send a silently different domain.

export class OdooWireValueError extends TypeError {
  override name = 'OdooWireValueError';
}

import { toOdooDatetime } from './datetime.ts';

export { toOdooDatetime };

export function cleanForWire(value: unknown, path = 'value'): unknown {
  if (value === null) return false; // Odoo's None on the wire; <nil/> is not understood everywhere
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new OdooWireValueError(`${path} is ${value}: not a number Odoo can receive`);
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        throw new OdooWireValueError(`${path} is ${value}: an integer beyond 2^53 cannot be sent exactly`);
      }
      return value;
    case 'bigint':
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new OdooWireValueError(`${path} is ${value}n: beyond 2^53, cannot be sent exactly`);
      }
      return Number(value);
    case 'undefined':
      throw new OdooWireValueError(`${path} is undefined`);
    case 'object': {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new OdooWireValueError(`${path} is an invalid Date`);
        return toOdooDatetime(value);
      }
      if (Array.isArray(value)) return value.map((item, i) => cleanForWire(item, `${path}[${i}]`));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item === undefined) continue; // an absent option, not a value
        out[key] = cleanForWire(item, `${path}.${key}`);
      }
      return out;
    }
    default:
      throw new OdooWireValueError(`${path} is a ${typeof value}: cannot be sent to Odoo`);
  }
}
