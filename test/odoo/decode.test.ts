// Decoding rules beyond what the recorded samples show: big integers, <i8> strings, bad values.
import { describe, expect, it } from 'vitest';
import { decodeRecord, makeRecordDecoder, OdooDecodeError, type FieldsGetResult } from '../../src/odoo/index.ts';

const fields: FieldsGetResult = {
  id: { type: 'integer' },
  name: { type: 'char' },
  active: { type: 'boolean' },
  qty: { type: 'float' },
  amount: { type: 'monetary' },
  big: { type: 'integer' },
  date_order: { type: 'datetime' },
  date: { type: 'date' },
  partner_id: { type: 'many2one', relation: 'res.partner' },
  tag_ids: { type: 'many2many', relation: 'res.partner.category' },
  line_ids: { type: 'one2many', relation: 'sale.order.line' },
  state: { type: 'selection', selection: [['draft', 'Draft']] },
  priority: { type: 'selection', selection: [[1, 'Low']] },
  origin: { type: 'reference' },
  data: { type: 'json' },
  note: { type: 'html' },
};

const full = {
  id: 7,
  name: 'S00007',
  active: false,
  qty: 1.5,
  amount: 10,
  big: 3000000000.0,
  date_order: '2026-11-25 19:33:39',
  date: '2026-11-25',
  partner_id: [12, 'Ready Mat'],
  tag_ids: [1, 2],
  line_ids: [],
  state: 'draft',
  priority: 1,
  origin: 'sale.order,3',
  data: { a: 1 },
  note: '<p>x</p>',
};

describe('decodeRecord', () => {
  it('decodes every field type', () => {
    const r = decodeRecord('sale.order', full, fields);
    expect(r.id).toBe(7);
    expect(r.values).toEqual({
      id: 7,
      name: 'S00007',
      active: false,
      qty: 1.5,
      amount: 10,
      big: 3000000000,
      date_order: '2026-11-25T19:33:39Z',
      date: '2026-11-25',
      partner_id: 12,
      tag_ids: [1, 2],
      line_ids: [],
      state: 'draft',
      priority: 1,
      origin: { model: 'sale.order', id: 3 },
      data: { a: 1 },
      note: '<p>x</p>',
    });
    expect(r.names).toEqual({ partner_id: 'Ready Mat' });
  });

  it('turns false into null for every non-boolean field and keeps boolean false', () => {
    const empty = Object.fromEntries(Object.keys(fields).map((k) => [k, false]));
    const r = decodeRecord('sale.order', { ...empty, id: 1 }, fields);
    for (const [k, v] of Object.entries(r.values)) {
      if (k === 'id') continue;
      if (k === 'active') expect(v).toBe(false);
      else if (k === 'tag_ids' || k === 'line_ids') expect(v).toEqual([]);
      else expect(v, k).toBeNull();
    }
    expect(r.names.partner_id).toBeNull();
  });

  it('reads <i8> integers sent as strings and a bare many2one id', () => {
    const r = decodeRecord('sale.order', { id: '9', big: '9007199254740991', partner_id: 4 }, fields);
    expect(r.values).toEqual({ id: 9, big: 9007199254740991, partner_id: 4 });
    expect(r.names.partner_id).toBeNull();
  });

  it.each([
    ['big', 1.5, /field big \(integer\)/],
    ['big', '12345678901234567890', /field big \(integer\): integer beyond/],
    ['qty', 'abc', /field qty \(float\)/],
    ['date_order', '2026-11-25T19:33:39+02:00', /field date_order \(datetime\): not a YYYY-MM-DD HH:MM:SS datetime/],
    ['date_order', '2026-02-30 10:00:00', /field date_order \(datetime\)/],
    ['date', '25/11/2026', /field date \(date\): not a YYYY-MM-DD date/],
    ['partner_id', [12], /field partner_id \(many2one\)/],
    ['tag_ids', [1, 'x'], /field tag_ids \(many2many\)/],
    ['active', 0, /field active \(boolean\)/],
    ['origin', 'nonsense', /field origin \(reference\): not a "model,id" reference/],
    ['name', 42, /field name \(char\)/],
  ])('%s = %j is an OdooDecodeError naming model, record and field', (field, value, message) => {
    const err = (() => {
      try {
        decodeRecord('sale.order', { id: 7, [field]: value }, fields);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(OdooDecodeError);
    const e = err as OdooDecodeError;
    expect(e.message).toMatch(/^cannot decode sale\.order record 7 /);
    expect(e.message).toMatch(message);
    expect(e).toMatchObject({ model: 'sale.order', recordId: 7, field });
  });

  it('a field fields_get does not know is an error, up front for a field list', () => {
    expect(() => decodeRecord('sale.order', { id: 1, x_studio_thing: 'a' }, fields)).toThrow(/record 1 field x_studio_thing .*not in fields_get/);
    expect(() => makeRecordDecoder('sale.order', fields, ['name', 'nope'])).toThrow(OdooDecodeError);
  });

  it('a declared field missing from a record is an error', () => {
    const decode = makeRecordDecoder('sale.order', fields, ['name', 'state']);
    expect(decode({ id: 3, name: 'a', state: 'draft' }).values).toEqual({ id: 3, name: 'a', state: 'draft' });
    expect(() => decode({ id: 3, name: 'a' })).toThrow(/record 3 field state .*missing from the record/);
  });

  it('a record without a valid id is an error', () => {
    expect(() => decodeRecord('sale.order', { name: 'x' }, fields)).toThrow(/record \(no id\) field id/);
    expect(() => decodeRecord('sale.order', null, fields)).toThrow(OdooDecodeError);
  });
});
