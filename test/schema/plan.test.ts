// The specs against the fields_get of the four recorded Odoo servers (copied into src/sim/fields): every
// spec plans on every version without a missing required field, and mapping follows the version rules.
import { describe, expect, it } from 'vitest';
import {
  entities,
  getEntity,
  MissingFieldError,
  MissingModelError,
  planSource,
  selectionRows,
  seriesOf,
  toRow,
  ODOO_SERIES,
  type OdooSeries,
} from '../../src/entities/index.ts';
import { posCategoryIds, productIsStorable, productType } from '../../src/entities/dim_products.ts';
import { loadVersionFile } from '../../src/sim/versions.ts';

const recorded = Object.fromEntries(
  ODOO_SERIES.map((v) => [v, { ...loadVersionFile<Record<string, Record<string, unknown>>>(v, 'fields.json'), ...loadVersionFile<Record<string, Record<string, unknown>>>(v, 'finance.json'), ...loadVersionFile<Record<string, Record<string, unknown>>>(v, 'stock-moves.json') }]),
) as Record<OdooSeries, Record<string, Record<string, unknown>>>;

describe('entity specs on the recorded Odoo servers', () => {
  for (const series of ODOO_SERIES) {
    it(`plan on Odoo ${series} with no missing required field (product.brand skipped)`, () => {
      const warnings: string[] = [];
      const skipped: string[] = [];
      for (const entity of entities) {
        for (const source of entity.sources) {
          const result = planSource(entity, source, series, recorded[series][source.model] ?? null);
          if (result.status === 'skipped') skipped.push(entity.table);
          else warnings.push(...result.plan.warnings);
        }
      }
      expect(skipped).toEqual(['dim_brands']);
      // the only optional field the servers lack is OCA's product_brand_id
      expect(warnings).toEqual([expect.stringContaining('product_brand_id')]);
    });
  }

  it('requests the version-specific fields of product.template', () => {
    const products = getEntity('dim_products');
    const source = products.sources[0]!;
    const plan16 = planSource(products, source, '16.0', recorded['16.0']['product.template']!);
    const plan18 = planSource(products, source, '18.0', recorded['18.0']['product.template']!);
    if (plan16.status !== 'ok' || plan18.status !== 'ok') throw new Error('not planned');
    expect(plan16.plan.fields).toEqual(expect.arrayContaining(['id', 'write_date', 'active', 'detailed_type', 'pos_categ_id']));
    expect(plan16.plan.fields).not.toContain('is_storable');
    expect(plan18.plan.fields).toEqual(expect.arrayContaining(['type', 'is_storable', 'pos_categ_ids']));
    expect(plan18.plan.fields).not.toContain('detailed_type');
  });

  it('maps product type the same way on every version', () => {
    expect([productType({ detailed_type: 'product' }, '16.0'), productIsStorable({ detailed_type: 'product' }, '16.0')]).toEqual(['consu', true]);
    expect([productType({ detailed_type: 'consu' }, '17.0'), productIsStorable({ detailed_type: 'consu' }, '17.0')]).toEqual(['consu', false]);
    expect([productType({ type: 'consu', is_storable: true }, '18.0'), productIsStorable({ type: 'consu', is_storable: true }, '18.0')]).toEqual(['consu', true]);
    expect([productType({ type: 'service', is_storable: false }, '19.0'), productIsStorable({ type: 'service' }, '19.0')]).toEqual(['service', false]);
    expect(posCategoryIds({ pos_categ_id: 4 }, '16.0')).toEqual([4]);
    expect(posCategoryIds({ pos_categ_id: null }, '16.0')).toEqual([]);
    expect(posCategoryIds({ pos_categ_ids: [1, 2] }, '17.0')).toEqual([1, 2]);
  });

  it('names model, field and version when a required field is missing', () => {
    const entity = getEntity('dim_customers');
    const fields = { ...recorded['17.0']['res.partner']! };
    delete fields.email;
    expect(() => planSource(entity, entity.sources[0]!, '17.0', fields)).toThrow(MissingFieldError);
    expect(() => planSource(entity, entity.sources[0]!, '17.0', fields)).toThrow('Odoo 17.0 model res.partner has no field email');
  });

  it('makes an absent optional field NULL with one warning, and an absent required model an error', () => {
    const brands = getEntity('dim_brands');
    const result = planSource(brands, brands.sources[0]!, '17.0', { name: {}, create_date: {}, write_date: {} });
    if (result.status !== 'ok') throw new Error('not planned');
    expect(result.plan.nullColumns).toEqual(['partner_id']);
    expect(result.plan.warnings).toHaveLength(1);
    const row = toRow(brands, brands.sources[0]!, result.plan, { id: 3, values: { name: 'Acme', partner_id: 9, write_date: '2026-01-01T00:00:00Z' } });
    expect(row).toMatchObject({ odoo_id: 3, name: 'Acme', partner_id: null });
    const teams = getEntity('dim_teams');
    expect(() => planSource(teams, teams.sources[0]!, '17.0', null)).toThrow(MissingModelError);
  });

  it('maps a decoded record to a row: id, constants, renamed fields, computed columns, extra fields', () => {
    const sales = getEntity('all_sales');
    const pos = sales.sources.find((src) => src.source === 'pos')!;
    const fields = { ...recorded['17.0']['pos.order']!, x_studio_channel: { type: 'char' } };
    const result = planSource(sales, pos, '17.0', fields, ['x_studio_channel', 'x_missing']);
    if (result.status !== 'ok') throw new Error('not planned');
    expect(result.plan.fields).toEqual(expect.arrayContaining(['crm_team_id', 'x_studio_channel']));
    expect(result.plan.warnings).toEqual([expect.stringContaining('x_missing')]);
    const row = toRow(sales, pos, result.plan, {
      id: 7,
      values: {
        name: 'Shop/0007', state: 'paid', date_order: '2026-11-25T10:00:00Z', partner_id: null, company_id: 1, user_id: 2,
        crm_team_id: 5, config_id: 1, session_id: 3, employee_id: null, pricelist_id: 1, amount_tax: 1.1, amount_total: 12.2,
        amount_paid: 12.2, currency_rate: 1, pos_reference: 'Order 0001', create_date: '2026-11-25T10:00:00Z',
        write_date: '2026-11-25T10:01:00Z', x_studio_channel: 'web',
      },
    });
    expect(row).toMatchObject({ source: 'pos', odoo_id: 7, team_id: 5, config_id: 1, amount_untaxed: 11.1, write_date: '2026-11-25T10:01:00Z' });
    expect(row.extra).toEqual({ x_studio_channel: 'web' });
    expect(Object.keys(row)).not.toContain('crm_team_id');
  });

  it('derives promotion types from the selection values', () => {
    const rows = selectionRows(recorded['18.0']['loyalty.program']!, 'program_type');
    expect(rows.map((r) => r.code)).toEqual(expect.arrayContaining(['coupons', 'promotion', 'loyalty']));
    const types = getEntity('dim_promotion_types');
    const result = planSource(types, types.sources[0]!, '18.0', recorded['18.0']['loyalty.program']!);
    if (result.status !== 'ok') throw new Error('not planned');
    expect(toRow(types, types.sources[0]!, result.plan, { id: 0, values: rows[0]! })).toEqual({
      code: rows[0]!.code, name: rows[0]!.name, write_date: null, extra: null,
    });
  });

  it('reads the series from server versions', () => {
    expect(seriesOf('17.0')).toBe('17.0');
    expect(seriesOf('saas~17.2')).toBe('17.0');
    expect(seriesOf('18.0+e')).toBe('18.0');
    expect(seriesOf('20.0')).toBe('19.0');
    expect(() => seriesOf('15.0')).toThrow('not supported');
  });

  it('orders every entity after the ones it depends on', () => {
    const position = new Map(entities.map((e, i) => [e.table, i]));
    for (const entity of entities) for (const dep of entity.dependsOn) expect(position.get(dep)!, `${entity.table} after ${dep}`).toBeLessThan(position.get(entity.table)!);
    expect(getEntity('fact_sales_lines').dependsOn).toEqual(['all_sales', 'dim_branches', 'dim_products_product', 'dim_users']);
    expect(() => getEntity('nope')).toThrow('valid entities');
  });
});
